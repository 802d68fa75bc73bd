package dev.pump.kafka;

import dev.pump.core.EndpointBuilder;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.Problems;
import dev.pump.core.spi.Transport;
import dev.pump.kafka.internal.ClientFactory;
import dev.pump.kafka.internal.DefaultKafkaTransport;
import dev.pump.kafka.internal.KafkaSettings;
import dev.pump.kafka.internal.TopicNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link Transport} on Apache Kafka (the official Java client).
 *
 * <ul>
 *   <li><b>Queues</b> are topics, named {@link Builder#topicPrefix prefix} + queue; {@link
 *       #createQueue} creates one idempotently with {@link Builder#partitions} partitions. Pump's
 *       names may hold {@code :}, which Kafka refuses in a topic name: such a queue is refused with
 *       an error naming it.
 *   <li><b>Receive</b>: one consumer per received queue, in the consumer group named as the topic.
 *       A poll thread fetches records and holds at most {@link Builder#maxInFlight} of them,
 *       buffered or handed to the pump and unsettled, pausing its partitions while full (a poll can
 *       add up to that many more, so fewer than twice as many are ever held). Messages may be
 *       settled in any order; the offset committed for a partition is that of its lowest unsettled
 *       record, so a crash or a rebalance can only deliver again, never skip. {@code abandon} hands
 *       the record out again from this process, its delivery count one higher.
 *   <li><b>Rebalances</b> are cooperative: a revoked partition waits up to {@link
 *       Builder#revokeWait} for its records in flight, commits what is settled, and what is not
 *       comes back to the partition's next owner, for its inbox to skip if it was handled.
 *   <li><b>Delivery count</b>: exact for what this process hands out again; after a crash or a
 *       rebalance, a record below the end of what its previous owner fetched (committed in the
 *       offset's metadata before any of it was handed out) counts as delivered before, 2, runs
 *       alone, and the pump counts the rest in its storage ({@code countsUnreceivedDeliveries}).
 *   <li><b>Send</b>: an idempotent producer ({@code acks=all}); a batch is sent as records, then
 *       waited for once. {@code pump.ordering-key} becomes the record key, so messages of one key
 *       stay in order on their partition. Headers are Kafka headers in UTF-8; the message id is
 *       {@code pump.message-id}.
 *   <li><b>Publish</b>: to the topic of the type's wire name and of each supertype's, each record
 *       naming them all in {@code pump.topics}; a queue subscribed to several of them receives the
 *       message from the first it is subscribed to and passes over the others, so once. {@link
 *       #subscribe} makes the queue's consumer group read the topic from its end as of the call.
 *   <li><b>Refused records</b>: a record without a {@code pump.message-id} or with a header that is
 *       not UTF-8 is refused as unrecoverable under the id {@code
 *       kafka:<topic>:<partition>:<offset>}; the pump parks it in the endpoint's error queue with
 *       the reason and settles it, so it never blocks its partition.
 *   <li><b>No delayed delivery</b>: Kafka cannot hide a record until later, so delayed sends and
 *       retries need a storage whose outbox holds them until due.
 * </ul>
 *
 * <p>Thread-safe. Close it when done: records handed out and unsettled come back to their
 * partitions' next owner.
 */
public interface KafkaTransport extends Transport {
  /** The broker used when none is set: {@code localhost:9092}. */
  String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

  /** The client id, suffixed by each client's role: {@code pump}. */
  String DEFAULT_CLIENT_ID = "pump";

  /** Records held per received queue: twice the endpoint's default concurrency. */
  int DEFAULT_MAX_IN_FLIGHT = 2 * EndpointBuilder.DEFAULT_CONCURRENCY;

  /** Partitions of the topics the transport creates: 3. */
  int DEFAULT_PARTITIONS = 3;

  /** How long one poll waits for records: 100 ms. */
  Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(100);

  /** How long a revoked partition waits for its records in flight: 10 seconds. */
  Duration DEFAULT_REVOKE_WAIT = Duration.ofSeconds(10);

  /**
   * How long one batch waits for the broker: 8 seconds, below the outbox dispatcher's own send
   * timeout (10 seconds), so that an outage is reported as one before the dispatcher gives up.
   */
  Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(8);

  /** The largest body sent: 1 MiB. Topics the transport creates take records this large. */
  long DEFAULT_MAX_MESSAGE_BYTES = 1024L * 1024;

  /** Returns a builder with every setting at its default. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * The Kafka topic of a Pump queue or topic name, as this transport names it.
   *
   * @throws PumpConfigurationException if the name cannot be a Kafka topic
   */
  String topicOf(String name);

  /** Builds a {@link KafkaTransport}. Not thread-safe. */
  final class Builder {
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private String bootstrapServers = DEFAULT_BOOTSTRAP_SERVERS;
    private String clientId = DEFAULT_CLIENT_ID;
    private String topicPrefix = "";
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int partitions = DEFAULT_PARTITIONS;
    private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
    private Duration revokeWait = DEFAULT_REVOKE_WAIT;
    private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;
    private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private final Map<String, Object> consumerProperties = new LinkedHashMap<>();
    private final Map<String, Object> producerProperties = new LinkedHashMap<>();

    private Builder() {}

    /**
     * The brokers to connect to first, as Kafka's {@code bootstrap.servers}: {@code
     * host:port[,host:port...]}. Default {@link #DEFAULT_BOOTSTRAP_SERVERS}.
     */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /**
     * The client id the brokers show, suffixed {@code -producer}, {@code -admin} and {@code
     * -consumer-<queue>}; a valid Pump name. Default {@link #DEFAULT_CLIENT_ID}.
     */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /**
     * Put before every queue's and topic's name to make its Kafka topic and consumer group, e.g.
     * {@code shop.} to share a cluster. Letters, digits, {@code .}, {@code _} and {@code -}, at
     * most 40 characters. Default: none.
     */
    public Builder topicPrefix(String topicPrefix) {
      this.topicPrefix = topicPrefix;
      return this;
    }

    /**
     * How many records one received queue holds at most, buffered or handed out and unsettled,
     * before its partitions are paused: set it to twice the endpoint's concurrency, so that while
     * the pump holds as many as it may, the next ones are already fetched and a finished batch does
     * not wait for a poll. 1 to 10000. Default {@link #DEFAULT_MAX_IN_FLIGHT}.
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * Partitions of each topic the transport creates: the most consumers of one queue that work at
     * once. 1 to 1000. Default {@link #DEFAULT_PARTITIONS}.
     */
    public Builder partitions(int partitions) {
      this.partitions = partitions;
      return this;
    }

    /**
     * How long one poll of a queue's consumer waits for records; settled records are committed
     * between polls. 1 ms to 10 seconds. Default {@link #DEFAULT_POLL_TIMEOUT}.
     */
    public Builder pollTimeout(Duration pollTimeout) {
      this.pollTimeout = pollTimeout;
      return this;
    }

    /**
     * How long a partition taken away by a rebalance waits for its records in flight to be settled
     * before it commits and lets go; what is still unsettled then is delivered again to the next
     * owner. Keep it below the consumer's {@code max.poll.interval.ms}. Zero to 10 minutes. Default
     * {@link #DEFAULT_REVOKE_WAIT}.
     */
    public Builder revokeWait(Duration revokeWait) {
      this.revokeWait = revokeWait;
      return this;
    }

    /**
     * How long a send or publish waits for the broker: for its topics' metadata, then for the
     * acknowledgement of its batch, which the producer gives up after this long ({@code
     * delivery.timeout.ms}, unless set; at least {@code linger.ms + request.timeout.ms}), plus a
     * second's grace. A batch that fails this way, or in any way Kafka calls retriable, fails as
     * the transport being unavailable, which the outbox dispatcher does not count against the
     * messages; keep it below the dispatcher's own send timeout, or the dispatcher gives up first
     * and counts. Admin calls and offset commits wait as long. 1 ms to 10 minutes. Default {@link
     * #DEFAULT_SEND_TIMEOUT}.
     */
    public Builder sendTimeout(Duration sendTimeout) {
      this.sendTimeout = sendTimeout;
      return this;
    }

    /**
     * The largest body {@code send} and {@code publish} accept; topics the transport creates take
     * records of this size with their headers. 1 KiB to 64 MiB. Default {@link
     * #DEFAULT_MAX_MESSAGE_BYTES}.
     */
    public Builder maxMessageBytes(long maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /**
     * A Kafka consumer property (security, timeouts...), applied over the transport's own except
     * those it relies on: group id, offset commits, deserializers and {@code max.poll.records}.
     */
    public Builder consumerProperty(String name, Object value) {
      consumerProperties.put(name, value);
      return this;
    }

    /**
     * A Kafka producer property (security, {@code linger.ms}, compression...), applied over the
     * transport's own except those it relies on: idempotence, {@code acks} and serializers. Also
     * given to the admin client, where it applies.
     */
    public Builder producerProperty(String name, Object value) {
      producerProperties.put(name, value);
      return this;
    }

    /**
     * Returns the transport. It connects on first use, not here.
     *
     * @throws PumpConfigurationException naming every invalid setting and its value
     */
    public KafkaTransport build() {
      Problems found = new Problems();
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        found.add("kafka.bootstrapServers must be set, was " + bootstrapServers);
      }
      found
          .name("kafka.clientId", clientId)
          .range("kafka.maxInFlight", maxInFlight, 1, 10_000)
          .range("kafka.partitions", partitions, 1, 1_000)
          .range("kafka.pollTimeout", pollTimeout, Duration.ofMillis(1), Duration.ofSeconds(10))
          .range("kafka.revokeWait", revokeWait, Duration.ZERO, MAX_WAIT)
          .range("kafka.sendTimeout", sendTimeout, Duration.ofMillis(1), MAX_WAIT)
          .range("kafka.maxMessageBytes", maxMessageBytes, 1024, 64L * 1024 * 1024);
      found.add(TopicNames.prefixProblem("kafka.topicPrefix", topicPrefix));
      found.add(KafkaSettings.overrideProblem("kafka.consumerProperty", consumerProperties));
      found.add(KafkaSettings.overrideProblem("kafka.producerProperty", producerProperties));
      found.throwIfAny();
      KafkaSettings settings =
          new KafkaSettings(
              bootstrapServers.strip(),
              clientId,
              new TopicNames(topicPrefix),
              maxInFlight,
              partitions,
              pollTimeout,
              revokeWait,
              sendTimeout,
              maxMessageBytes,
              Map.copyOf(consumerProperties),
              Map.copyOf(producerProperties));
      ClientFactory.problems(settings).forEach(found::add);
      found.throwIfAny();
      return new DefaultKafkaTransport(settings);
    }
  }
}
