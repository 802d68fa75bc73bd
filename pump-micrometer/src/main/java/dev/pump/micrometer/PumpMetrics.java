package dev.pump.micrometer;

import dev.pump.core.Endpoint;
import dev.pump.core.Lifecycle;
import dev.pump.core.internal.shared.Problems;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.pipeline.IncomingMessage;
import dev.pump.core.spi.telemetry.ProcessObservation;
import dev.pump.core.spi.telemetry.SendObservation;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Pump's Micrometer metrics: a {@link Telemetry} for endpoints and dispatchers, and a {@link
 * Lifecycle} that samples the outbox and the PostgreSQL queues in the background.
 *
 * <pre>{@code
 * PumpMetrics metrics = PumpMetrics.builder().registry(meterRegistry).storage(storage).build();
 * Endpoint orders = Endpoint.builder()...telemetry(metrics).build();
 * OutboxDispatcher dispatcher = OutboxDispatcher.builder()...telemetry(metrics).build();
 * metrics.monitor(dispatcher);
 * Service.builder().resources(storage, transport).workers(metrics, dispatcher).endpoints(orders)...
 * }</pre>
 *
 * <p>Meters named by OpenTelemetry's semantic conventions for messaging metrics (v1.28.0 and later,
 * status development), in seconds, with the tags {@code messaging.system}, {@code
 * messaging.destination.name}, {@code messaging.operation.name} and {@code error.type} ({@code
 * none} on success: Micrometer needs the same tag keys on every meter of a name):
 *
 * <ul>
 *   <li>{@code messaging.process.duration}, a timer per processed message from its first attempt
 *       until its fate is known, tagged too with {@code pump.endpoint} and {@code pump.outcome}
 *       ({@code handled}, {@code delayed_retry}, {@code error_queue}, {@code given_back});
 *   <li>{@code messaging.client.operation.duration}, a timer per receive ({@code receive}) and per
 *       batch handed to a transport ({@code send} to a queue, {@code publish} to a topic);
 *   <li>{@code messaging.client.consumed.messages} and {@code messaging.client.sent.messages},
 *       counters of the messages those operations carried.
 * </ul>
 *
 * <p>Pump's own meters: {@code pump.retries} ({@code pump.endpoint}, {@code kind} {@code immediate}
 * or {@code delayed}); {@code pump.transport.operation.messages} (messages per operation that
 * carried any) and {@code pump.transport.operations.saved} (the messages of each operation but
 * one), by {@code operation} and {@code messaging.system}; per endpoint, from its {@link
 * Endpoint#health()} at each scrape, {@code pump.endpoint.in.flight}, {@code
 * pump.endpoint.concurrency}, {@code pump.endpoint.healthy} (1 or 0) and {@code
 * pump.endpoint.breaker.open} ({@code breaker} {@code receive} or {@code settle}); per destination
 * of the {@linkplain #monitor monitored} dispatchers, {@code pump.dispatcher.breaker.open}.
 *
 * <p>With a {@linkplain Builder#storage storage}: {@code pump.inbox.duplicates.skipped}, and gauges
 * set once per {@linkplain Builder#samplingInterval sampling interval} by one query on a background
 * thread, never by a scrape: {@code pump.outbox.pending}, {@code pump.outbox.parked} and {@code
 * pump.outbox.oldest.age} per {@code destination}; {@code pump.queue.depth}, {@code
 * pump.queue.visible} and {@code pump.queue.oldest.age} per PostgreSQL {@code queue}; and {@code
 * pump.error.queue.messages} per error queue of the endpoints that receive from PostgreSQL queues
 * (an error queue on a broker is the broker's to measure). A destination or queue that empties
 * reads 0. {@code pump.metrics.sample.age} tells how old the sampled values are, and {@code
 * pump.metrics.samples} counts samples by {@code result} ({@code ok} or {@code failed}).
 *
 * <p>Tags hold configured names, outcomes and exception class names, never a message id. Meters
 * register the first time they are needed; without a {@code PumpMetrics} nothing is registered. Use
 * one per registry. Thread-safe: the telemetry methods run on Pump's threads and cost a map lookup
 * or two and the meter updates.
 */
public final class PumpMetrics implements Telemetry, Lifecycle {
  /** How often the outbox and queues are sampled when not set: 15 seconds. */
  public static final Duration DEFAULT_SAMPLING_INTERVAL = Duration.ofSeconds(15);

  /** How long {@link #close()} lets a sample under way finish: 5 seconds. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);

  private static final String POSTGRES_QUEUES = "pump_postgresql";

  private final MeterRegistry registry;
  private final Duration samplingInterval;
  private final ClientMeters client;
  private final ProcessMeters processing;
  private final EndpointGauges endpoints;
  private final Sampler sampler;
  private final StorageGauges storage;
  private final ConcurrentMap<String, String> errorQueuesNotShown = new ConcurrentHashMap<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private volatile DispatcherGauges dispatchers;

  private enum State {
    CREATED,
    RUNNING,
    STOPPED
  }

  private PumpMetrics(Builder builder) {
    this.registry = builder.registry;
    this.samplingInterval = builder.samplingInterval;
    this.client = new ClientMeters(registry);
    this.processing = new ProcessMeters(registry);
    this.endpoints = new EndpointGauges(registry);
    this.sampler = new Sampler(registry);
    this.storage = builder.storage == null ? null : new StorageGauges(registry, builder.storage);
    if (storage != null) {
      sampler.add(storage);
    }
  }

  /** Returns a builder; {@link Builder#registry} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Shows the circuit breaker of each destination of {@code dispatcher}: read from its {@link
   * OutboxDispatcher#pausedDestinations()} (memory) once per sampling interval, after {@link
   * #start()}. A destination's gauge appears when a batch is first sent to it through this
   * telemetry, or when it is paused.
   *
   * @return this
   */
  public PumpMetrics monitor(OutboxDispatcher dispatcher) {
    Objects.requireNonNull(dispatcher, "dispatcher");
    synchronized (this) {
      if (dispatchers == null) {
        DispatcherGauges gauges = new DispatcherGauges(registry);
        sampler.add(gauges);
        dispatchers = gauges;
      }
    }
    dispatchers.add(dispatcher);
    return this;
  }

  /**
   * Starts sampling: a first sample now, then one per sampling interval, on a daemon thread.
   *
   * @throws IllegalStateException if it was started or stopped before
   */
  @Override
  public void start() {
    if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
      throw new IllegalStateException("the metrics were started already");
    }
    sampler.start(samplingInterval);
  }

  /**
   * Stops sampling; a sample under way may finish within {@code grace}, then it is interrupted.
   * Meters stay registered and the telemetry keeps recording. Idempotent.
   */
  @Override
  public void stop(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (state.getAndSet(State.STOPPED) == State.RUNNING) {
      sampler.stop(grace);
    }
  }

  /** Stops with {@link #DEFAULT_STOP_GRACE}. */
  @Override
  public void close() {
    stop(DEFAULT_STOP_GRACE);
  }

  /** Samples now, on the calling thread, as the sampling thread does. */
  void sampleNow() {
    sampler.sampleNow();
  }

  /** Registers the endpoint's gauges and retry counters. */
  @Override
  public void endpointBuilt(Endpoint endpoint) {
    endpoints.add(endpoint);
    processing.endpoint(endpoint.name());
    if (storage != null) {
      errorQueuesNotShown.put(endpoint.name(), endpoint.failedMessages().errorQueue());
    }
  }

  /** Records the receive's duration and messages. */
  @Override
  public void received(
      String endpoint,
      String system,
      String queue,
      int messages,
      Duration took,
      Throwable failure) {
    client.received(system, queue, messages, took, failure);
    if (storage != null && system.equals(POSTGRES_QUEUES)) {
      // the endpoint receives from PostgreSQL, so its error queue is a PostgreSQL queue too
      String errorQueue = errorQueuesNotShown.remove(endpoint);
      if (errorQueue != null) {
        storage.errorQueue(errorQueue);
      }
    }
  }

  /** Times the message's processing and counts its retries. */
  @Override
  public ProcessObservation processing(String endpoint, String system, IncomingMessage message) {
    return processing.processing(endpoint, system, message.queue());
  }

  /** Times the send and counts its messages. */
  @Override
  public SendObservation sending(
      String system, Destination destination, List<OutgoingMessage> batch) {
    DispatcherGauges monitored = dispatchers;
    if (monitored != null) {
      monitored.sentTo(Tagging.destinationName(destination));
    }
    return client.sending(system, destination, batch.size());
  }

  @Override
  public String toString() {
    return "PumpMetrics[" + registry.getClass().getSimpleName() + "]";
  }

  /** Settings of {@link PumpMetrics}; {@link #build()} checks them all at once. Not thread-safe. */
  public static final class Builder {
    private MeterRegistry registry;
    private JdbcStorage storage;
    private Duration samplingInterval = DEFAULT_SAMPLING_INTERVAL;

    private Builder() {}

    /** Where the meters are registered. Required. */
    public Builder registry(MeterRegistry registry) {
      this.registry = registry;
      return this;
    }

    /**
     * The storage whose outbox and PostgreSQL queues are sampled, and whose inbox's duplicates are
     * counted. Default: none, and no such meters.
     */
    public Builder storage(JdbcStorage storage) {
      this.storage = storage;
      return this;
    }

    /**
     * How often the storage and the monitored dispatchers are sampled, each time with one query per
     * storage and per dispatcher. Default {@link #DEFAULT_SAMPLING_INTERVAL}; 1 second to 10
     * minutes.
     */
    public Builder samplingInterval(Duration samplingInterval) {
      this.samplingInterval = samplingInterval;
      return this;
    }

    /**
     * Builds the metrics; registers the storage's meters, if it has one.
     *
     * @throws dev.pump.core.PumpConfigurationException naming every invalid setting
     */
    public PumpMetrics build() {
      Problems problems = new Problems();
      problems.required("metrics.registry", registry);
      problems.range(
          "metrics.samplingInterval",
          samplingInterval,
          Duration.ofSeconds(1),
          Duration.ofMinutes(10));
      problems.throwIfAny();
      return new PumpMetrics(this);
    }
  }
}
