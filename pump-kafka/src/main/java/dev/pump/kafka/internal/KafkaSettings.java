package dev.pump.kafka.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings of a Kafka transport, validated by its builder.
 *
 * @param bootstrapServers Kafka's bootstrap servers
 * @param clientId the client id, suffixed by role
 * @param topicNames queue and topic names as Kafka topics and groups
 * @param maxInFlight records held per received queue before pausing
 * @param partitions partitions of created topics
 * @param pollTimeout how long one poll waits
 * @param revokeWait how long a revoked partition waits for its records in flight
 * @param sendTimeout how long a batch waits for the broker
 * @param maxMessageBytes the largest body sent
 * @param consumerOverrides the user's consumer properties
 * @param producerOverrides the user's producer (and admin) properties
 */
public record KafkaSettings(
    String bootstrapServers,
    String clientId,
    TopicNames topicNames,
    int maxInFlight,
    int partitions,
    Duration pollTimeout,
    Duration revokeWait,
    Duration sendTimeout,
    long maxMessageBytes,
    Map<String, Object> consumerOverrides,
    Map<String, Object> producerOverrides) {

  // what the transport's guarantees rest on: never taken from the user's overrides
  private static final Set<String> RESERVED =
      Set.of(
          ConsumerConfig.GROUP_ID_CONFIG,
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          ProducerConfig.ACKS_CONFIG,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG);

  /** Room for headers and the record batch's own bytes beside the largest body. */
  static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

  /** Why {@code overrides} cannot be applied, or null: the properties the transport owns. */
  public static String overrideProblem(String setting, Map<String, Object> overrides) {
    Set<String> reserved = new TreeSet<>(overrides.keySet());
    reserved.retainAll(RESERVED);
    if (reserved.isEmpty()) {
      return null;
    }
    return setting
        + " cannot set "
        + List.copyOf(reserved)
        + ": the transport sets them, and its guarantees rest on them";
  }

  /** The largest record the transport writes, headers and batch overhead included. */
  int maxRecordBytes() {
    return Math.toIntExact(maxMessageBytes + RECORD_OVERHEAD_BYTES);
  }
}
