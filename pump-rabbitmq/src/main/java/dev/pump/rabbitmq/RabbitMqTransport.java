package dev.pump.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.Problems;
import dev.pump.core.spi.Transport;
import dev.pump.rabbitmq.internal.DefaultRabbitMqTransport;
import dev.pump.rabbitmq.internal.RabbitMqSettings;
import java.net.URI;
import java.time.Duration;

/**
 * A {@link Transport} on RabbitMQ (AMQP 0-9-1, official Java client).
 *
 * <ul>
 *   <li><b>Queues</b> are durable, quorum by default ({@link QueueType}); {@link #createQueue}
 *       declares them idempotently.
 *   <li><b>Receive</b>: one consumer per queue with manual acknowledgements and a prefetch ({@link
 *       Builder#prefetch}) that should equal the endpoint's concurrency; deliveries wait in a small
 *       in-process buffer until the pump asks for one, or for several at once: a batch receive
 *       takes from what the buffer holds, in delivery order, and returns a redelivered message
 *       alone. {@code complete()} acknowledges, {@code abandon()} requeues at once.
 *   <li><b>Batch acknowledgements</b>: the messages of one batch receive are acknowledged together
 *       once the last of them is settled, with one {@code basic.ack(multiple=true)} for the
 *       completed ones when every delivery still unsettled on the channel at or below the highest
 *       tag is one of them (else for the longest such run, and one by one for the rest); another
 *       receive's message is never acknowledged by it. Until then a completed message of an open
 *       batch is not yet acknowledged: a lost connection delivers it again, for the inbox to skip.
 *   <li><b>Send</b>: a batch is published persistent and {@code mandatory} on a channel in confirm
 *       mode, with one wait for confirms per batch; a nack, a timeout or a message the broker could
 *       not route (the queue does not exist) fails the whole batch with a {@link
 *       dev.pump.core.spi.TransportException}.
 *   <li><b>Publish</b>: one durable fanout exchange per topic, named after the topic. A message is
 *       published once, to its own type's exchange, which is bound to its supertypes' exchanges;
 *       subscribers bind their queue to the exchange of the type they subscribe to. The broker
 *       delivers each message once per queue however many paths lead there.
 *   <li><b>No delayed delivery</b>: RabbitMQ cannot delay a message without plugins, so {@link
 *       #capabilities()} says so, delayed sends are refused by the endpoint, and delayed retries
 *       must be turned off ({@code Recoverability.builder().delayedRetries(0)}); the delay of
 *       {@code abandon(delay)} is ignored.
 * </ul>
 *
 * <p>Two connections per transport, opened on first use, with automatic recovery: one consumes, one
 * publishes, so a broker that blocks publishers (memory or disk alarm) does not also block the
 * acknowledgements that would drain its queues. While a connection is down, {@code receive}, {@code
 * send} and {@code publish} throw {@code TransportException}, which the pump's receive circuit
 * breaker reports, and work again when the client has reconnected.
 *
 * <p>Thread-safe. Sends and publishes from several threads at once (the outbox dispatcher's
 * parallel sends) each borrow a confirm-mode channel of their own from a pool and wait only for
 * that channel's confirms, so batches in flight together neither wait for nor fail one another;
 * more threads than {@link Builder#maxIdlePublishChannels} open and close extra channels. Close it
 * when done: unacknowledged messages go back to their queues.
 */
public interface RabbitMqTransport extends Transport {
  /**
   * The broker used when neither a URI nor a connection factory is set: a local broker's default
   * user on the default virtual host {@code /}. A URI names the virtual host in its path, so one
   * ending in a bare {@code /} selects the vhost named by the empty string, which a stock broker
   * does not have; write {@code /%2F} or no path at all for {@code /}.
   */
  String DEFAULT_URI = "amqp://guest:guest@localhost:5672";

  /** The queue type {@link #createQueue} declares: {@link QueueType#QUORUM}. */
  QueueType DEFAULT_QUEUE_TYPE = QueueType.QUORUM;

  /**
   * Unacknowledged messages per queue consumer: the endpoint's default concurrency, {@link
   * EndpointBuilder#DEFAULT_CONCURRENCY}.
   */
  int DEFAULT_PREFETCH = EndpointBuilder.DEFAULT_CONCURRENCY;

  /** How long one batch waits for the broker's confirms: 30 seconds. */
  Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);

  /** How long the client waits between reconnection attempts: 5 seconds. */
  Duration DEFAULT_NETWORK_RECOVERY_INTERVAL = Duration.ofSeconds(5);

  /**
   * The largest body sent: 16 MiB, RabbitMQ 4's default {@code max_message_size} (3.x allows 128
   * MiB).
   */
  long DEFAULT_MAX_MESSAGE_BYTES = 16L * 1024 * 1024;

  /** Idle publishing channels kept open for reuse: 8. */
  int DEFAULT_MAX_IDLE_PUBLISH_CHANNELS = 8;

  /** The connection name shown by the broker: {@code pump}, suffixed with the connection's role. */
  String DEFAULT_CONNECTION_NAME = "pump";

  /** Returns a builder with every setting at its default. */
  static Builder builder() {
    return new Builder();
  }

  /** Counts of batches and messages confirmed by the broker so far. Thread-safe. */
  PublishStatistics publishStatistics();

  /** Counts of acknowledgements and requeues sent to the broker so far. Thread-safe. */
  ReceiveStatistics receiveStatistics();

  /** Builds a {@link RabbitMqTransport}. Not thread-safe. */
  final class Builder {
    private static final int MAX_PREFETCH = 65_535; // basic.qos carries a 16-bit count
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private String uri;
    private ConnectionFactory connectionFactory;
    private String connectionName = DEFAULT_CONNECTION_NAME;
    private QueueType queueType = DEFAULT_QUEUE_TYPE;
    private int prefetch = DEFAULT_PREFETCH;
    private boolean declareTopology = true;
    private Duration confirmTimeout = DEFAULT_CONFIRM_TIMEOUT;
    private Duration networkRecoveryInterval = DEFAULT_NETWORK_RECOVERY_INTERVAL;
    private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private int maxIdlePublishChannels = DEFAULT_MAX_IDLE_PUBLISH_CHANNELS;

    private Builder() {}

    /**
     * The broker, as an AMQP URI ({@code amqp://user:password@host:port/vhost}, or {@code amqps}).
     * The path is the virtual host, percent-encoded: no path, or {@code /%2F}, for the default
     * vhost {@code /}; a bare trailing {@code /} means the vhost named by the empty string. Default
     * {@link #DEFAULT_URI}. Mutually exclusive with {@link #connectionFactory}.
     */
    public Builder uri(String uri) {
      this.uri = uri;
      return this;
    }

    /**
     * The broker, as a configured client factory (TLS, credentials provider, address resolution,
     * metrics...). The transport works on a copy, on which it turns automatic recovery on, sets
     * {@link #networkRecoveryInterval} and recovers consumers only (its queues, exchanges and
     * bindings are durable: they outlive connections). Mutually exclusive with {@link #uri}.
     * Default: none.
     */
    public Builder connectionFactory(ConnectionFactory connectionFactory) {
      this.connectionFactory = connectionFactory;
      return this;
    }

    /**
     * The client-provided connection name the broker shows, suffixed {@code -consume} and {@code
     * -publish}; a valid Pump name. Default {@link #DEFAULT_CONNECTION_NAME}.
     */
    public Builder connectionName(String connectionName) {
      this.connectionName = connectionName;
      return this;
    }

    /**
     * The type of the queues {@link #createQueue} declares. Default {@link #DEFAULT_QUEUE_TYPE}.
     */
    public Builder queueType(QueueType queueType) {
      this.queueType = queueType;
      return this;
    }

    /**
     * How many unacknowledged messages the broker pushes to each queue's consumer before waiting
     * for acknowledgements: set it to the endpoint's concurrency, so the buffer holds exactly what
     * the pump can take. 1 to 65535. Default {@link #DEFAULT_PREFETCH}.
     */
    public Builder prefetch(int prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /**
     * Whether the transport declares what it uses: queues in {@link #createQueue}, exchanges and
     * exchange-to-exchange bindings on publish, queue bindings in {@link #subscribe}. When off,
     * operators own the topology: {@code createQueue} only checks that the queue exists, {@code
     * publish} expects the exchanges and bindings to be there, and {@code subscribe} and {@code
     * unsubscribe} do nothing. Default {@code true}.
     */
    public Builder declareTopology(boolean declareTopology) {
      this.declareTopology = declareTopology;
      return this;
    }

    /**
     * How long one batch waits for the broker to confirm it; on expiry the batch fails. 1 ms to 10
     * minutes. Default {@link #DEFAULT_CONFIRM_TIMEOUT}.
     */
    public Builder confirmTimeout(Duration confirmTimeout) {
      this.confirmTimeout = confirmTimeout;
      return this;
    }

    /**
     * How long the client waits before each attempt to reconnect after losing the broker. 10 ms to
     * 10 minutes. Default {@link #DEFAULT_NETWORK_RECOVERY_INTERVAL}.
     */
    public Builder networkRecoveryInterval(Duration networkRecoveryInterval) {
      this.networkRecoveryInterval = networkRecoveryInterval;
      return this;
    }

    /**
     * The largest body {@code send} and {@code publish} accept; larger ones fail the batch before
     * anything is published. Keep it at or below the broker's {@code max_message_size}. 1 byte to
     * 512 MiB. Default {@link #DEFAULT_MAX_MESSAGE_BYTES}.
     */
    public Builder maxMessageBytes(long maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /**
     * How many idle publishing channels stay open for reuse; more are opened when more threads send
     * at once, and closed when returned to a full pool. 0 to 1024. Default {@link
     * #DEFAULT_MAX_IDLE_PUBLISH_CHANNELS}.
     */
    public Builder maxIdlePublishChannels(int maxIdlePublishChannels) {
      this.maxIdlePublishChannels = maxIdlePublishChannels;
      return this;
    }

    /**
     * Returns the transport. It connects on first use, not here, so it can be built while the
     * broker is down.
     *
     * @throws PumpConfigurationException naming every invalid setting and its value
     */
    public RabbitMqTransport build() {
      Problems found = new Problems();
      ConnectionFactory factory = factory(found);
      found
          .name("rabbitmq.connectionName", connectionName)
          .range("rabbitmq.prefetch", prefetch, 1, MAX_PREFETCH)
          .range("rabbitmq.confirmTimeout", confirmTimeout, Duration.ofMillis(1), MAX_WAIT)
          .range(
              "rabbitmq.networkRecoveryInterval",
              networkRecoveryInterval,
              Duration.ofMillis(10),
              MAX_WAIT)
          .range("rabbitmq.maxMessageBytes", maxMessageBytes, 1, 512L * 1024 * 1024)
          .range("rabbitmq.maxIdlePublishChannels", maxIdlePublishChannels, 0, 1024);
      found.required("rabbitmq.queueType", queueType);
      found.throwIfAny();
      factory.setAutomaticRecoveryEnabled(true);
      factory.setTopologyRecoveryEnabled(true);
      factory.setNetworkRecoveryInterval(networkRecoveryInterval.toMillis());
      return new DefaultRabbitMqTransport(
          new RabbitMqSettings(
              factory,
              connectionName,
              queueType,
              prefetch,
              declareTopology,
              confirmTimeout,
              maxMessageBytes,
              maxIdlePublishChannels));
    }

    private ConnectionFactory factory(Problems found) {
      if (uri != null && connectionFactory != null) {
        found.add("rabbitmq: set either uri or connectionFactory, not both");
        return new ConnectionFactory();
      }
      if (connectionFactory != null) {
        return connectionFactory.clone(); // the caller's factory stays as they configured it
      }
      ConnectionFactory factory = new ConnectionFactory();
      String target = uri != null ? uri : DEFAULT_URI;
      try {
        factory.setUri(target);
      } catch (Exception e) { // URISyntaxException and the TLS set-up exceptions of amqps
        found.add(
            "rabbitmq.uri must be an amqp:// or amqps:// URI, was "
                + withoutPassword(target)
                + " ("
                + e.getMessage()
                + ")");
      }
      return factory;
    }

    // Configuration errors end up in logs: never echo a password.
    private static String withoutPassword(String uri) {
      try {
        URI parsed = new URI(uri);
        if (parsed.getRawUserInfo() == null) {
          return uri;
        }
        return uri.replace(
            parsed.getRawUserInfo(), parsed.getRawUserInfo().replaceAll(":.*", ":***"));
      } catch (Exception e) {
        return "<unparseable URI, not shown>";
      }
    }
  }

  /**
   * Counters of what a {@link RabbitMqTransport} has published since it was built: a window into
   * batching, for metrics and tests. A snapshot; each counter is read separately.
   *
   * @param batchesConfirmed send and publish calls whose whole batch the broker confirmed
   * @param messagesConfirmed messages in those batches
   * @param confirmWaits waits for publisher confirms, one per batch attempted (confirmed or not)
   */
  public record PublishStatistics(
      long batchesConfirmed, long messagesConfirmed, long confirmWaits) {}

  /**
   * Counters of how a {@link RabbitMqTransport} has settled received messages since it was built: a
   * window into acknowledgement batching, for metrics and tests. A snapshot; each counter is read
   * separately.
   *
   * @param acknowledgements {@code basic.ack} frames sent; one with {@code multiple} acknowledges
   *     several messages
   * @param messagesAcknowledged messages those frames acknowledged
   * @param messagesRequeued messages abandoned, each requeued with its own {@code basic.nack}
   */
  public record ReceiveStatistics(
      long acknowledgements, long messagesAcknowledged, long messagesRequeued) {}
}
