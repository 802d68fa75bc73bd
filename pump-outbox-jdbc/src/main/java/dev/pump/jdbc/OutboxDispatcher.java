package dev.pump.jdbc;

// This file is long because its builder documents and checks every dispatcher setting in one
// place; the dispatch cycle itself lives in internal.dispatcher.

import dev.pump.core.Lifecycle;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.internal.shared.Problems;
import dev.pump.core.internal.shared.SafeTelemetry;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.dispatcher.DispatchCounters;
import dev.pump.jdbc.internal.dispatcher.DispatchLoop;
import dev.pump.jdbc.internal.dispatcher.RetryBackoff;
import dev.pump.jdbc.internal.dispatcher.SendParallelism;
import dev.pump.jdbc.internal.queue.NotificationListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays committed outbox rows to a transport: a sidecar thread that claims due rows, groups them
 * by destination, sends each destination's rows in batches (bounded by count and bytes: one
 * transport operation per batch, not per message) and marks them dispatched.
 *
 * <p>Destinations are sent to side by side, up to {@link Builder#sendParallelism} transport calls
 * at once (on virtual threads), so that the batches of a cycle wait for their acknowledgements
 * (publisher confirms, commits) together rather than one after another; each destination's batches
 * still go one at a time, in order, and an ordering key never has two batches in flight. A send
 * that does not return within {@link Builder#sendTimeout} is abandoned and its destination paused,
 * so one hanging destination does not hold the others. The transport must be thread-safe.
 *
 * <p>It wakes within milliseconds of a local commit (an in-process signal from {@link
 * JdbcStorage}), on {@code NOTIFY} for commits from other processes, and every {@link
 * Builder#pollInterval} as a backstop that also catches delayed rows when they fall due. Several
 * dispatchers, in one process or many, may share one outbox: rows are claimed with row locks and
 * {@code SKIP LOCKED}, so no row is sent by two at once, and a dead dispatcher's rows are free the
 * moment its connection goes.
 *
 * <p>A failed batch affects only its destination: its rows are retried with exponential back-off
 * and jitter, a destination failing repeatedly is paused by its circuit breaker and probed with one
 * batch, and a row that fails {@link Builder#maxAttempts} times is parked with its last error,
 * never deleted ({@link PumpOperations#requeueParked(String)} re-queues it). Retention is apart:
 * see {@link RetentionCleaner}.
 *
 * <p>Thread-safe. Delivery is at least once: a row sent but not yet marked when a process dies is
 * sent again, and the receiver's inbox absorbs the copy.
 */
public final class OutboxDispatcher implements Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(Loggers.DISPATCHER);

  /** Most messages in one transport batch: {@value}. */
  public static final int DEFAULT_MAX_BATCH_MESSAGES = 100;

  /** Most bytes (bodies plus headers) in one transport batch: {@value} (256 KiB). */
  public static final long DEFAULT_MAX_BATCH_BYTES = 256 * 1024;

  /** Most rows claimed by one cycle: {@value}. */
  public static final int DEFAULT_CLAIM_SIZE = 1000;

  /** The backstop poll when no wake-up came: 1 second. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** Failed attempts after which a row is parked: {@value}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 10;

  /** The first retry's back-off, doubled per attempt: 1 second. */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);

  /** The longest back-off between attempts of one row: 5 minutes. */
  public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofMinutes(5);

  /** Failed batches in a row that pause a destination: {@value}. */
  public static final int DEFAULT_CIRCUIT_BREAKER_THRESHOLD = 5;

  /**
   * How long a woken dispatcher waits for more commits before it claims, so that the commits right
   * behind share its batches: 2 ms.
   */
  public static final Duration DEFAULT_BATCH_WINDOW = Duration.ofMillis(2);

  /** How long a paused destination waits before it is probed: 30 seconds. */
  public static final Duration DEFAULT_CIRCUIT_BREAKER_PAUSE = Duration.ofSeconds(30);

  /**
   * Most transport calls in flight at once: {@value}. It matches the RabbitMQ transport's pool of
   * idle publishing channels ({@code RabbitMqTransport.DEFAULT_MAX_IDLE_PUBLISH_CHANNELS}).
   */
  public static final int DEFAULT_SEND_PARALLELISM = 8;

  /** How long one transport call may take before the cycle abandons it: 10 seconds. */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(10);

  // how much longer than the transport's longest send the dispatcher waits by default
  private static final Duration SEND_TIMEOUT_MARGIN = Duration.ofSeconds(2);

  private final StorageRuntime runtime;
  private final Transport transport;
  private final DispatchCounters counters = new DispatchCounters();
  private final DispatchLoop loop;
  private final int sendParallelism;
  private final Duration sendTimeout;
  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private volatile Thread thread;
  private volatile NotificationListener listener;

  private enum State {
    CREATED,
    RUNNING,
    STOPPED
  }

  private OutboxDispatcher(Builder builder) {
    this.runtime = builder.storage.runtime();
    this.transport = builder.transport;
    this.sendParallelism = builder.resolvedParallelism;
    this.sendTimeout = builder.resolvedSendTimeout;
    this.loop =
        new DispatchLoop(
            runtime,
            transport,
            counters,
            new DispatchLoop.Settings(
                builder.claimSize,
                builder.maxBatchMessages,
                builder.maxBatchBytes,
                builder.maxAttempts,
                RetryBackoff.of(builder.retryBackoff, builder.maxRetryBackoff),
                builder.circuitBreakerThreshold,
                builder.circuitBreakerPause,
                builder.clock,
                sendParallelism,
                builder.resolvedSendTimeout,
                builder.pollInterval,
                builder.batchWindow,
                SafeTelemetry.of(builder.telemetries)));
  }

  /** Returns a builder; {@link Builder#storage} and {@link Builder#transport} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the sidecar thread and the LISTEN connection.
   *
   * @throws IllegalStateException if it was started or stopped before
   */
  @Override
  public void start() {
    if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
      throw new IllegalStateException("the dispatcher was started already");
    }
    listener = runtime.listenForOutbox();
    thread =
        Thread.ofPlatform()
            .name("pump-dispatcher-" + runtime.schema())
            .start(() -> loop.run(() -> state.get() == State.RUNNING));
    log.info(
        "Outbox dispatcher started on schema {} for {}, up to {} sends at once",
        runtime.schema(),
        transport,
        sendParallelism);
  }

  /** Wakes the dispatcher now, e.g. after rows were re-queued. */
  public void wake() {
    runtime.outboxCommits().signal();
  }

  /** The transport calls this dispatcher makes at once at most, as {@link Builder} settled it. */
  int sendParallelism() {
    return sendParallelism;
  }

  /** How long a transport call may take before it is abandoned, as {@link Builder} settled it. */
  Duration sendTimeout() {
    return sendTimeout;
  }

  /**
   * How the dispatcher is doing: whether it runs, the destinations it has paused (their circuit
   * breaker is open) and the age of the oldest row waiting in the outbox. One short query.
   */
  public DispatcherHealth health() {
    Duration oldest =
        runtime.jdbi().withHandle(h -> runtime.outbox().backlog(h)).stream()
            .map(PumpOperations.Backlog::oldestAge)
            .max(Duration::compareTo)
            .orElse(Duration.ZERO);
    return new DispatcherHealth(state.get() == State.RUNNING, pausedDestinations(), oldest);
  }

  /**
   * The destinations this dispatcher leaves alone because their circuit breaker is open, each with
   * when it is probed again. Read from memory, for samplers that must not query.
   */
  public Map<String, Instant> pausedDestinations() {
    return loop.openBreakers();
  }

  /** What this dispatcher has done since it started. */
  public DispatcherCounters counters() {
    return counters;
  }

  /**
   * Stops: the cycle in flight finishes (its sends are marked), then what is due is relayed until a
   * cycle finds nothing more (what endpoints committed just before the stop leaves now, not with
   * the next dispatcher; a destination that is down backs off and holds nothing up), all within
   * {@code grace}; after that its sends still in flight are abandoned (their threads interrupted),
   * the sends already confirmed are marked and committed, and the abandoned rows stay pending, to
   * be sent again by the next dispatcher (at least once: a copy that did arrive is absorbed by the
   * receiver's inbox). If the cycle cannot commit within 5 more seconds, its transaction is left to
   * roll back. Idempotent.
   */
  @Override
  public void stop(Duration grace) {
    State previous = state.getAndSet(State.STOPPED);
    if (previous != State.RUNNING) {
      return;
    }
    wake();
    Thread running = thread;
    try {
      running.join(grace);
      if (running.isAlive()) {
        running.interrupt();
        running.join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      listener.close();
    }
    log.info("Outbox dispatcher on schema {} stopped", runtime.schema());
  }

  /** Stops with a 10 second grace. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }

  /** Settings of an {@link OutboxDispatcher}; {@link #build()} checks them all at once. */
  public static final class Builder {
    private JdbcStorage storage;
    private Transport transport;
    private int maxBatchMessages = DEFAULT_MAX_BATCH_MESSAGES;
    private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private int claimSize = DEFAULT_CLAIM_SIZE;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;
    private int circuitBreakerThreshold = DEFAULT_CIRCUIT_BREAKER_THRESHOLD;
    private Duration circuitBreakerPause = DEFAULT_CIRCUIT_BREAKER_PAUSE;
    private Clock clock = Clock.systemUTC();
    private Duration batchWindow = DEFAULT_BATCH_WINDOW;
    private final List<Telemetry> telemetries = new ArrayList<>();
    private Integer sendParallelism; // null: the default, fitted to a PostgresTransport's pool
    private Duration sendTimeout; // null: the default, fitted to the transport's longest send
    private Duration resolvedSendTimeout;
    private int resolvedParallelism;

    private Builder() {}

    /**
     * Most transport calls in flight at once, 1 to 256: a cycle's destinations are sent to side by
     * side (each destination's batches still one after another). The transport is called from that
     * many threads at once. Default {@value #DEFAULT_SEND_PARALLELISM}, or less when the transport
     * is a {@link PostgresTransport} on this dispatcher's own HikariCP pool: each of its sends
     * holds a pooled connection while the cycle holds one more, so the default is then at most half
     * of the pool size minus one (endpoints on the same pool need connections too), and an explicit
     * value above the pool size minus one is refused. With RabbitMQ, keep it at most the
     * transport's {@code maxIdlePublishChannels} (8 by default): each call in flight uses a channel
     * of its own, and channels beyond the idle pool are opened and closed per batch.
     */
    public Builder sendParallelism(int sendParallelism) {
      this.sendParallelism = sendParallelism;
      return this;
    }

    /**
     * How long one transport call may take, 10 ms to 10 minutes. A call still running then is
     * abandoned (its thread interrupted) so that the cycle can commit the other destinations'
     * sends: its rows count a failed attempt and are sent again after their back-off (a copy that
     * did arrive is absorbed by the receiver's inbox), and its destination's circuit breaker opens
     * at once. Until the abandoned call returns, its destination is not claimed again. It must be
     * longer than the transport's longest send ({@link
     * dev.pump.core.spi.TransportCapabilities#longestSend}), or an outage the transport would
     * report as one gets counted against the messages. Default 10 seconds, or the transport's
     * longest send and 2 seconds more when that is longer.
     */
    public Builder sendTimeout(Duration sendTimeout) {
      this.sendTimeout = sendTimeout;
      return this;
    }

    /**
     * How long the dispatcher, woken by a commit, waits for the commits right behind it before it
     * claims, so that they share batches: fewer transport operations for a little latency. Under a
     * backlog it never waits. Default 2 ms; zero sends at once; at most 1 second.
     */
    public Builder batchWindow(Duration batchWindow) {
      this.batchWindow = batchWindow;
      return this;
    }

    /**
     * Adds a telemetry, told of every batch handed to the transport (Pump's Micrometer metrics or
     * OpenTelemetry traces). Each call adds one. Default: none, which costs nothing.
     */
    public Builder telemetry(Telemetry telemetry) {
      telemetries.add(Objects.requireNonNull(telemetry, "telemetry"));
      return this;
    }

    /** The storage whose outbox is relayed. Required. */
    public Builder storage(JdbcStorage storage) {
      this.storage = storage;
      return this;
    }

    /** Where to send. Required. */
    public Builder transport(Transport transport) {
      this.transport = transport;
      return this;
    }

    /**
     * Most messages per transport batch, 1 to 10,000. Default {@value #DEFAULT_MAX_BATCH_MESSAGES}.
     */
    public Builder maxBatchMessages(int maxBatchMessages) {
      this.maxBatchMessages = maxBatchMessages;
      return this;
    }

    /**
     * Most bytes per batch, 1 KiB to 64 MiB; a single larger message goes alone. Default 256 KiB.
     */
    public Builder maxBatchBytes(long maxBatchBytes) {
      this.maxBatchBytes = maxBatchBytes;
      return this;
    }

    /** Most rows claimed per cycle, 1 to 100,000. Default {@value #DEFAULT_CLAIM_SIZE}. */
    public Builder claimSize(int claimSize) {
      this.claimSize = claimSize;
      return this;
    }

    /** The backstop poll, 10 ms to 10 minutes. Default 1 second. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    /**
     * Failed attempts before a row is parked, 1 to 1,000. Default {@value #DEFAULT_MAX_ATTEMPTS}.
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The first retry's back-off, doubled per attempt, with 20% jitter. Default 1 second. */
    public Builder retryBackoff(Duration retryBackoff) {
      this.retryBackoff = retryBackoff;
      return this;
    }

    /** The longest back-off. Default 5 minutes. */
    public Builder maxRetryBackoff(Duration maxRetryBackoff) {
      this.maxRetryBackoff = maxRetryBackoff;
      return this;
    }

    /**
     * Failed batches in a row that pause a destination, 1 to 1,000. Default {@value
     * #DEFAULT_CIRCUIT_BREAKER_THRESHOLD}.
     */
    public Builder circuitBreakerThreshold(int circuitBreakerThreshold) {
      this.circuitBreakerThreshold = circuitBreakerThreshold;
      return this;
    }

    /** How long a paused destination waits for its probe. Default 30 seconds. */
    public Builder circuitBreakerPause(Duration circuitBreakerPause) {
      this.circuitBreakerPause = circuitBreakerPause;
      return this;
    }

    /** The clock of the circuit breakers. Default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Builds the dispatcher, not yet started.
     *
     * @throws PumpConfigurationException naming every invalid setting
     */
    public OutboxDispatcher build() {
      Problems problems = new Problems();
      problems.required("dispatcher.storage", storage);
      problems.required("dispatcher.transport", transport);
      problems.required("dispatcher.clock", clock);
      problems.range("dispatcher.maxBatchMessages", maxBatchMessages, 1, 10_000);
      problems.range("dispatcher.maxBatchBytes", maxBatchBytes, 1024, 64L * 1024 * 1024);
      problems.range("dispatcher.claimSize", claimSize, 1, 100_000);
      problems.range("dispatcher.maxAttempts", maxAttempts, 1, 1_000);
      problems.range("dispatcher.circuitBreakerThreshold", circuitBreakerThreshold, 1, 1_000);
      problems.range(
          "dispatcher.pollInterval", pollInterval, Duration.ofMillis(10), Duration.ofMinutes(10));
      problems.range(
          "dispatcher.retryBackoff", retryBackoff, Duration.ofMillis(1), Duration.ofHours(1));
      problems.range(
          "dispatcher.maxRetryBackoff", maxRetryBackoff, Duration.ofMillis(1), Duration.ofDays(1));
      problems.range(
          "dispatcher.circuitBreakerPause",
          circuitBreakerPause,
          Duration.ofMillis(1),
          Duration.ofHours(1));
      problems.range("dispatcher.batchWindow", batchWindow, Duration.ZERO, Duration.ofSeconds(1));
      if (sendParallelism != null) {
        problems.range("dispatcher.sendParallelism", sendParallelism, 1, 256);
      }
      Duration longestSend =
          transport == null ? Duration.ZERO : transport.capabilities().longestSend();
      if (sendTimeout == null) {
        Duration fitted = longestSend.plus(SEND_TIMEOUT_MARGIN);
        resolvedSendTimeout =
            longestSend.isZero() || fitted.compareTo(DEFAULT_SEND_TIMEOUT) < 0
                ? DEFAULT_SEND_TIMEOUT
                : fitted;
      } else {
        resolvedSendTimeout = sendTimeout;
        problems.range(
            "dispatcher.sendTimeout", sendTimeout, Duration.ofMillis(10), Duration.ofMinutes(10));
        if (!longestSend.isZero() && sendTimeout.compareTo(longestSend) <= 0) {
          problems.add(
              "dispatcher.sendTimeout "
                  + sendTimeout
                  + " must be longer than the transport's longest send, "
                  + longestSend
                  + ": the dispatcher would abandon sends the transport may still finish, and"
                  + " count an outage against the messages; leave it unset to fit it");
        }
      }
      boolean sharedPool =
          storage != null
              && transport instanceof PostgresTransport postgres
              && postgres.sharesPoolWith(storage);
      resolvedParallelism =
          SendParallelism.fit(
              sendParallelism,
              DEFAULT_SEND_PARALLELISM,
              sharedPool ? storage.dataSource() : null,
              problems);
      if (problems.isEmpty()) {
        RetryBackoff.check(
            problems, maxAttempts, retryBackoff, maxRetryBackoff, storage.inboxRetention());
      }
      problems.throwIfAny();
      return new OutboxDispatcher(this);
    }
  }
}
