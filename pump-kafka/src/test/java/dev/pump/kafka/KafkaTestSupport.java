package dev.pump.kafka;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the Kafka tests share: transports on the shared broker, names, and raw Kafka clients. */
final class KafkaTestSupport {
  static final Duration WAIT = Duration.ofSeconds(60);

  private KafkaTestSupport() {}

  /** A builder for a transport on the shared broker. */
  static KafkaTransport.Builder transport() {
    return KafkaTransport.builder()
        .bootstrapServers(KafkaBroker.bootstrapServers())
        .clientId("pump-kafka-test");
  }

  /** A queue name no other test uses. */
  static String queueName(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /** A message with an id and a text body. */
  static OutgoingMessage message(String id, String body) {
    return OutgoingMessage.of(
        id, Map.of("pump.message-id", id), body.getBytes(StandardCharsets.UTF_8));
  }

  /** A message with an id and an ordering key. */
  static OutgoingMessage keyed(String id, String key) {
    return OutgoingMessage.of(
        id,
        Map.of("pump.message-id", id, "pump.ordering-key", key),
        id.getBytes(StandardCharsets.UTF_8));
  }

  /** Receives one message, failing if none comes within {@link #WAIT}. */
  static ReceivedMessage receive(KafkaTransport transport, String queue)
      throws InterruptedException {
    Optional<ReceivedMessage> received = transport.receive(queue, WAIT);
    if (received.isEmpty()) {
      throw new AssertionError("no message from " + queue + " within " + WAIT);
    }
    return received.get();
  }

  /** What {@code group} committed for {@code topic}, by partition number. */
  static Map<Integer, OffsetAndMetadata> committed(Admin admin, String group, String topic)
      throws Exception {
    Map<Integer, OffsetAndMetadata> committed = new HashMap<>();
    admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(1, TimeUnit.MINUTES)
        .forEach((partition, offset) -> {
          if (partition.topic().equals(topic) && offset != null) {
            committed.put(partition.partition(), offset);
          }
        });
    return committed;
  }

  /** The end offsets of {@code topic}'s partitions, by partition number. */
  static Map<Integer, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<Integer, Long> ends = new HashMap<>();
    admin
        .listOffsets(request)
        .all()
        .get(1, TimeUnit.MINUTES)
        .forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
    return ends;
  }

  /** A plain producer, as a producer that is not Pump would use. */
  static KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KafkaBroker.bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class));
  }

  /** Sends one raw record and waits for it. */
  static void produceRaw(ProducerRecord<byte[], byte[]> record) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
      producer.send(record).get(1, TimeUnit.MINUTES);
    }
  }

  /** Reads every record of {@code topic} from the start, without a group, until {@code count}. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions, int count) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        all.add(new TopicPartition(topic, p));
      }
      consumer.assign(all);
      consumer.seekToBeginning(all);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /** The UTF-8 text of a record's last header {@code name}, or null. */
  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** The ids of {@code messages}. */
  static Set<String> ids(List<ReceivedMessage> messages) {
    Set<String> ids = new java.util.HashSet<>();
    messages.forEach(m -> ids.add(m.messageId()));
    return ids;
  }
}
