package dev.pump.benchmarks.harness;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The benchmark's own errands on Kafka: empty topics between rounds. */
public final class KafkaTopics {
  private KafkaTopics() {}

  /**
   * Deletes every record of {@code topics} up to their ends (Kafka's purge): a consumer group whose
   * committed offset falls behind starts again at the new start. Missing topics are fine.
   */
  public static void purge(String bootstrap, List<String> topics) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      for (String topic : topics) {
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        try {
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(1, TimeUnit.MINUTES)
              .get(topic)
              .partitions()
              .forEach(
                  p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof UnknownTopicOrPartitionException) {
            continue; // not created yet: the first round's endpoint creates it
          }
          throw e;
        }
        Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
        admin
            .listOffsets(ends)
            .all()
            .get(1, TimeUnit.MINUTES)
            .forEach((partition, end) ->
                delete.put(partition, RecordsToDelete.beforeOffset(end.offset())));
        admin.deleteRecords(delete).all().get(1, TimeUnit.MINUTES);
      }
    }
  }
}
