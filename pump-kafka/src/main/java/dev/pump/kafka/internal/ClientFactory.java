package dev.pump.kafka.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Makes the transport's Kafka clients: its defaults, the user's overrides, then the properties its
 * guarantees rest on, which no override may change. Thread-safe: immutable.
 */
public final class ClientFactory {
  private final KafkaSettings settings;

  ClientFactory(KafkaSettings settings) {
    this.settings = settings;
  }

  /**
   * What Kafka's clients would refuse in these settings, checked without connecting: a property of
   * the wrong type, an unknown value, one the chosen group protocol does not take, or producer
   * settings the idempotent producer refuses. Empty when there is nothing.
   */
  public static List<String> problems(KafkaSettings settings) {
    ClientFactory factory = new ClientFactory(settings);
    List<String> problems = new ArrayList<>();
    try {
      checkConsumer(factory.consumerConfig("pump-check", "check"));
      checkConsumer(factory.browserConfig("check"));
    } catch (KafkaException e) {
      problems.add("kafka.consumerProperty: " + e.getMessage());
    }
    try {
      Map<String, Object> parsed = ProducerConfig.configDef().parse(factory.producerConfig());
      long floor = deliveryFloor(parsed);
      int delivery = (Integer) parsed.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
      if (delivery < floor) {
        problems.add(
            "kafka.producerProperty: delivery.timeout.ms must be at least linger.ms +"
                + " request.timeout.ms ("
                + floor
                + "), was "
                + delivery);
      }
      // what the idempotent producer refuses when it starts
      int inFlight = (Integer) parsed.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
      if (inFlight > 5) {
        problems.add(
            "kafka.producerProperty: max.in.flight.requests.per.connection must be at most 5 for"
                + " the idempotent producer, was "
                + inFlight);
      }
      int retries = (Integer) parsed.get(ProducerConfig.RETRIES_CONFIG);
      if (retries < 1) {
        problems.add(
            "kafka.producerProperty: retries must be at least 1 for the idempotent producer, was "
                + retries);
      }
    } catch (KafkaException e) {
      problems.add("kafka.producerProperty: " + e.getMessage());
    }
    return problems;
  }

  /**
   * How long the producer keeps a record before it gives it up: its {@code delivery.timeout.ms},
   * the send timeout unless the user set it or Kafka's floor ({@code linger.ms +
   * request.timeout.ms}) is higher.
   */
  Duration deliveryTimeout() {
    Map<String, Object> parsed = ProducerConfig.configDef().parse(producerConfig());
    return Duration.ofMillis((Integer) parsed.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
  }

  // parsed as the consumer parses it, the group protocol's own checks included, without logging
  private static void checkConsumer(Map<String, Object> config) {
    new ConsumerConfig(config, false) {};
  }

  // Kafka refuses a delivery timeout below this
  private static long deliveryFloor(Map<String, Object> parsed) {
    return (Long) parsed.get(ProducerConfig.LINGER_MS_CONFIG)
        + (Integer) parsed.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
  }

  /** A consumer in {@code group}, committing only what the transport commits. */
  KafkaConsumer<byte[], byte[]> consumer(String group, String queue) {
    return new KafkaConsumer<>(consumerConfig(group, queue));
  }

  private Map<String, Object> consumerConfig(String group, String queue) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-consumer-" + queue);
    // a queue's records sent before its group first met must be received
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, settings.maxRecordBytes());
    config.putAll(settings.consumerOverrides());
    if (classicProtocol(config)) {
      // a rebalance takes away only the partitions that move, so the others keep working (the
      // consumer protocol of KIP-848 does so by itself, and refuses an assignor set here)
      config.putIfAbsent(
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          CooperativeStickyAssignor.class.getName());
    }
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxInFlight());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }

  private static boolean classicProtocol(Map<String, Object> config) {
    Object protocol = config.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    return protocol == null
        || GroupProtocol.CLASSIC.name().equalsIgnoreCase(protocol.toString().strip());
  }

  /** A consumer in no group, for reading a queue without taking from it. */
  KafkaConsumer<byte[], byte[]> browser(String queue) {
    return new KafkaConsumer<>(browserConfig(queue));
  }

  private Map<String, Object> browserConfig(String queue) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-browse-" + queue);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, settings.maxRecordBytes());
    config.putAll(settings.consumerOverrides());
    // a consumer in no group: no group settings, whichever protocol the queue's consumers use
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    config.remove(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }

  /** The idempotent producer: every record acknowledged by all in-sync replicas, once. */
  KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(producerConfig());
  }

  private Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-producer");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.maxRecordBytes() + 1024);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.sendTimeout().toMillis());
    config.putAll(settings.producerOverrides());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    // a produce request waits for acks=all at most as long as the send; not below a second
    long sendTimeout = settings.sendTimeout().toMillis();
    config.putIfAbsent(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) Math.min(30_000, Math.max(1_000, sendTimeout)));
    if (!config.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
      // a batch not acknowledged within sendTimeout is given up by the producer, with its reason
      // (the partition and what it waited for); Kafka wants at least linger.ms +
      // request.timeout.ms
      long floor = deliveryFloor(ProducerConfig.configDef().parse(config));
      config.put(
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
          (int) Math.min(Integer.MAX_VALUE, Math.max(sendTimeout, floor)));
    }
    return config;
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
