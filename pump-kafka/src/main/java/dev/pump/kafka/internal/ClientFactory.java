package dev.pump.kafka.internal;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Makes the transport's Kafka clients: its defaults, the user's overrides, then the properties its
 * guarantees rest on, which no override may change. Thread-safe: immutable.
 */
final class ClientFactory {
  private final KafkaSettings settings;

  ClientFactory(KafkaSettings settings) {
    this.settings = settings;
  }

  /** A consumer in {@code group}, committing only what the transport commits. */
  KafkaConsumer<byte[], byte[]> consumer(String group, String queue) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-consumer-" + queue);
    // a queue's records sent before its group first met must be received
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a rebalance takes away only the partitions that move, so the others keep working
    config.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, settings.maxRecordBytes());
    config.putAll(settings.consumerOverrides());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxInFlight());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(config);
  }

  /** A consumer in no group, for reading a queue without taking from it. */
  KafkaConsumer<byte[], byte[]> browser(String queue) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-browse-" + queue);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, settings.maxRecordBytes());
    config.putAll(settings.consumerOverrides());
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(config);
  }

  /** The idempotent producer: every record acknowledged by all in-sync replicas, once. */
  KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-producer");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.maxRecordBytes() + 1024);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.sendTimeout().toMillis());
    config.putAll(settings.producerOverrides());
    if (!config.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
      // a batch not acknowledged within sendTimeout is given up by the producer, with its reason
      // (the partition and what it waited for), and is not sent later behind the failure
      // reported; Kafka wants it at least linger.ms + request.timeout.ms
      long sendTimeout = settings.sendTimeout().toMillis();
      config.putIfAbsent(
          ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, sendTimeout));
      long floor =
          millis(config.get(ProducerConfig.LINGER_MS_CONFIG))
              + millis(config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
      config.put(
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
          (int) Math.min(Integer.MAX_VALUE, Math.max(sendTimeout, floor)));
    }
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(config);
  }

  // a Kafka time setting as the user gave it: a number, or its text
  private static long millis(Object value) {
    return value instanceof Number number
        ? number.longValue()
        : Long.parseLong(value.toString().strip());
  }

  /** The admin client: topics and consumer-group offsets. */
  Admin admin() {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.clientId() + "-admin");
    for (Map.Entry<String, Object> override : settings.producerOverrides().entrySet()) {
      if (AdminClientConfig.configNames().contains(override.getKey())) {
        config.put(override.getKey(), override.getValue());
      }
    }
    return Admin.create(config);
  }
}
