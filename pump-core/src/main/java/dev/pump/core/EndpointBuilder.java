package dev.pump.core;

// This file is long because it holds one documented setter per endpoint setting, the whole
// configuration surface users read in one place; its checks and registrations live elsewhere
// (EndpointChecks, Registrations).

// This file is long because it is the one place every endpoint setting is documented, defaulted
// and validated; splitting it would scatter that.

import dev.pump.core.Endpoint.CriticalError;
import dev.pump.core.internal.endpoint.DefaultEndpoint;
import dev.pump.core.internal.endpoint.DefaultSerializer;
import dev.pump.core.internal.endpoint.EndpointChecks;
import dev.pump.core.internal.endpoint.EndpointSettings;
import dev.pump.core.internal.pipeline.PipelineLayout;
import dev.pump.core.internal.routing.MessageNames;
import dev.pump.core.internal.routing.Registrations;
import dev.pump.core.internal.shared.Problems;
import dev.pump.core.internal.shared.SafeTelemetry;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Serializer;
import dev.pump.core.spi.Storage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.pipeline.PipelineBuilder;
import dev.pump.core.spi.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds an {@link Endpoint}. Every setting has a default except {@link #name} and {@link
 * #transport}; {@link #build()} checks them all at once and names each bad one in its error. The
 * built endpoint copies the settings: changing the builder afterwards does not affect it. Not
 * thread-safe.
 */
public final class EndpointBuilder {
  /** Messages in flight at once: {@code max(2, available processors)}. */
  public static final int DEFAULT_CONCURRENCY =
      Math.max(2, Runtime.getRuntime().availableProcessors());

  /**
   * The most messages handled in one database transaction: 32. PostgreSQL keeps up to 64
   * subtransactions (savepoints that wrote) per transaction in shared memory; beyond that, every
   * snapshot in the database gets slower while the transaction runs, so stay below about 60.
   */
  public static final int DEFAULT_MESSAGES_PER_TRANSACTION = 32;

  /** How long a receive waits to fill a batch once it has a message: zero, take what is there. */
  public static final Duration DEFAULT_BATCH_FILL_WAIT = Duration.ZERO;

  /** The longest one receive call waits for a message: 2 seconds. */
  public static final Duration DEFAULT_RECEIVE_WAIT = Duration.ofSeconds(2);

  /** The grace {@link Endpoint#close()} gives in-flight messages: 30 seconds. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(30);

  /** How long stop waits for cancelled messages to wind down after the grace: 5 seconds. */
  public static final Duration DEFAULT_CANCELLATION_GRACE = Duration.ofSeconds(5);

  /** Platform threads for offloaded compute-bound work: the number of available processors. */
  public static final int DEFAULT_COMPUTE_THREADS = Runtime.getRuntime().availableProcessors();

  /** Immediate-dispatch sends one message may have in flight at once: 16. */
  public static final int DEFAULT_IMMEDIATE_DISPATCH_CONCURRENCY = 16;

  /** The most messages in one transport call: 1000. */
  public static final int DEFAULT_MAX_BATCH_MESSAGES = 1000;

  /** The most body bytes in one transport call: 256 KiB. */
  public static final int DEFAULT_MAX_BATCH_BYTES = 256 * 1024;

  /** The first wait after a failed receive; doubles with each failure in a row: 100 ms. */
  public static final Duration DEFAULT_RECEIVE_BACKOFF = Duration.ofMillis(100);

  /** The longest wait between failed receives: 30 seconds. */
  public static final Duration DEFAULT_MAX_RECEIVE_BACKOFF = Duration.ofSeconds(30);

  /** Failed receives in a row that trip the circuit breaker and report a critical error: 10. */
  public static final int DEFAULT_CIRCUIT_BREAKER_THRESHOLD = 10;

  private String name;
  private String inputQueue;
  private Transport transport;
  private Serializer serializer;
  private boolean serializerSet;
  private Clock clock = Clock.systemUTC();
  private int concurrency = DEFAULT_CONCURRENCY;
  private int messagesPerTransaction = DEFAULT_MESSAGES_PER_TRANSACTION;
  private Duration batchFillWait = DEFAULT_BATCH_FILL_WAIT;
  private Duration receiveWait = DEFAULT_RECEIVE_WAIT;
  private Duration stopGrace = DEFAULT_STOP_GRACE;
  private Duration cancellationGrace = DEFAULT_CANCELLATION_GRACE;
  private int computeThreads = DEFAULT_COMPUTE_THREADS;
  private int immediateDispatchConcurrency = DEFAULT_IMMEDIATE_DISPATCH_CONCURRENCY;
  private int maxBatchMessages = DEFAULT_MAX_BATCH_MESSAGES;
  private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
  private Duration receiveBackoff = DEFAULT_RECEIVE_BACKOFF;
  private Duration maxReceiveBackoff = DEFAULT_MAX_RECEIVE_BACKOFF;
  private int circuitBreakerThreshold = DEFAULT_CIRCUIT_BREAKER_THRESHOLD;
  private Recoverability recoverability = Recoverability.defaults();
  private Storage storage;
  private boolean autoSubscribe = true;
  private Consumer<CriticalError> onCriticalError = EndpointChecks::logCriticalError;
  private final List<Telemetry> telemetries = new ArrayList<>();
  private ClassLoader classLoader;
  private final Problems problems = new Problems();
  private final Registrations registrations = new Registrations(problems);
  private final PipelineLayout pipeline = new PipelineLayout();

  EndpointBuilder() {}

  /** The endpoint's name, a valid {@linkplain dev.pump.core##names name}. Required; no default. */
  public EndpointBuilder name(String name) {
    this.name = name;
    return this;
  }

  /**
   * The queue to receive from, a valid {@linkplain dev.pump.core##names name}. Default: the
   * endpoint's name.
   */
  public EndpointBuilder inputQueue(String inputQueue) {
    this.inputQueue = inputQueue;
    return this;
  }

  /**
   * The transport to receive from and send through. Required; no default. The endpoint does not
   * close it: its owner does, after stopping every endpoint that uses it.
   */
  public EndpointBuilder transport(Transport transport) {
    this.transport = transport;
    return this;
  }

  /**
   * The serializer for message bodies. Default: {@link
   * dev.pump.core.serialization.JsonSerializer#create()} (Jackson 3), created by {@link #build()}
   * only when no serializer is given, so an application on Jackson 2 (Spring Boot 3) that gives
   * {@code Jackson2Serializer} from {@code pump-jackson2} never loads Jackson 3. If the default is
   * needed and the Jackson 3 found cannot run (a {@code jackson-annotations} older than it needs),
   * {@link #build()} throws a {@link PumpConfigurationException} naming the versions found.
   */
  public EndpointBuilder serializer(Serializer serializer) {
    this.serializer = serializer;
    this.serializerSet = true;
    return this;
  }

  /** The clock for headers and failure times. Default: {@link Clock#systemUTC()}. */
  public EndpointBuilder clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /**
   * How many messages are processed at once, 1 to 10000. A permit is taken before each receive, so
   * this also bounds how many messages are taken from the transport. Default: {@link
   * #DEFAULT_CONCURRENCY}.
   */
  public EndpointBuilder concurrency(int concurrency) {
    this.concurrency = concurrency;
    return this;
  }

  /**
   * The most messages an endpoint with a {@link #storage storage} handles in one database
   * transaction, 1 to 60 (1: each message in a transaction of its own). Default: {@link
   * #DEFAULT_MESSAGES_PER_TRANSACTION}. The bound is PostgreSQL's: a transaction keeps 64
   * subtransactions (one savepoint per message that writes) in shared memory, and past that every
   * snapshot taken in the database pays for looking them up.
   *
   * <p>A receive takes one permit of the {@link #concurrency}, and as many more as are free at that
   * moment, up to this; it then takes that many visible messages at most, and handles them in order
   * on one thread, in one transaction, each message behind a savepoint of its own. So batching
   * adapts: a quiet endpoint handles each message as it comes, and a busy one batches what is
   * already waiting. For full batches, make the concurrency at least twice this, so that one batch
   * is handled while another commits. A message whose handler fails is undone alone and goes
   * through recoverability alone; the others commit. A message delivered before runs alone, as
   * ever. Without a storage there is no transaction to share, and each message runs on its own.
   */
  public EndpointBuilder messagesPerTransaction(int messagesPerTransaction) {
    this.messagesPerTransaction = messagesPerTransaction;
    return this;
  }

  /**
   * How long a receive that has a message waits for more to fill its batch, zero to 10 seconds.
   * Zero, the default, takes only what is already waiting, so a lone message is never held back; a
   * positive wait trades that latency for fuller batches. See {@link #messagesPerTransaction}.
   */
  public EndpointBuilder batchFillWait(Duration batchFillWait) {
    this.batchFillWait = batchFillWait;
    return this;
  }

  /**
   * The longest one receive call waits for a message, 1 ms to 5 minutes. Stop does not wait for it:
   * it interrupts the receive. Default: {@link #DEFAULT_RECEIVE_WAIT}.
   */
  public EndpointBuilder receiveWait(Duration receiveWait) {
    this.receiveWait = receiveWait;
    return this;
  }

  /**
   * The grace {@link Endpoint#close()} passes to stop; positive. Default {@link
   * #DEFAULT_STOP_GRACE}.
   */
  public EndpointBuilder stopGrace(Duration stopGrace) {
    this.stopGrace = stopGrace;
    return this;
  }

  /**
   * How long stop waits, after the grace ran out and cancellation was signalled, for cancelled
   * messages to wind down; positive. Default: {@link #DEFAULT_CANCELLATION_GRACE}.
   */
  public EndpointBuilder cancellationGrace(Duration cancellationGrace) {
    this.cancellationGrace = cancellationGrace;
    return this;
  }

  /**
   * Platform threads for {@link Context#compute}, 1 to 1024. Default: {@link
   * #DEFAULT_COMPUTE_THREADS}.
   */
  public EndpointBuilder computeThreads(int computeThreads) {
    this.computeThreads = computeThreads;
    return this;
  }

  /**
   * How many immediate-dispatch sends one message may have in flight at once, when its handler
   * sends from several threads, 1 to 10000. Default: {@link
   * #DEFAULT_IMMEDIATE_DISPATCH_CONCURRENCY}.
   */
  public EndpointBuilder immediateDispatchConcurrency(int immediateDispatchConcurrency) {
    this.immediateDispatchConcurrency = immediateDispatchConcurrency;
    return this;
  }

  /**
   * The most messages handed to the transport in one call, 1 to 100000. Default: {@link
   * #DEFAULT_MAX_BATCH_MESSAGES}.
   */
  public EndpointBuilder maxBatchMessages(int maxBatchMessages) {
    this.maxBatchMessages = maxBatchMessages;
    return this;
  }

  /**
   * The most body bytes handed to the transport in one call, 1 KiB to 64 MiB; a larger single
   * message still goes, alone. Default: {@link #DEFAULT_MAX_BATCH_BYTES}.
   */
  public EndpointBuilder maxBatchBytes(int maxBatchBytes) {
    this.maxBatchBytes = maxBatchBytes;
    return this;
  }

  /**
   * The back-off after failed receives: the first wait, doubling with each failure in a row up to
   * {@code max}. Defaults: {@link #DEFAULT_RECEIVE_BACKOFF}, {@link #DEFAULT_MAX_RECEIVE_BACKOFF}.
   */
  public EndpointBuilder receiveBackoff(Duration initial, Duration max) {
    this.receiveBackoff = initial;
    this.maxReceiveBackoff = max;
    return this;
  }

  /**
   * Failed receives in a row that trip the circuit breaker, 1 to 1000000; the same number of failed
   * settles in a row (complete, abandon, or sending a retry or error-queue copy) trips it too.
   * Default: {@link #DEFAULT_CIRCUIT_BREAKER_THRESHOLD}.
   */
  public EndpointBuilder circuitBreakerThreshold(int threshold) {
    this.circuitBreakerThreshold = threshold;
    return this;
  }

  /**
   * Called, on its own thread, when the circuit breaker trips (receives or settles failing again
   * and again); it may alert, or stop the endpoint. Default: logs the error.
   */
  public EndpointBuilder onCriticalError(Consumer<CriticalError> onCriticalError) {
    this.onCriticalError = onCriticalError;
    return this;
  }

  /**
   * Adds a telemetry, told of every receive, every message processed and every message sent: Pump's
   * Micrometer metrics ({@code dev.pump.micrometer.PumpMetrics}) or OpenTelemetry traces ({@code
   * dev.pump.opentelemetry.PumpTracing}). Each call adds one; they are called in the order added.
   * Default: none, which costs nothing.
   */
  public EndpointBuilder telemetry(Telemetry telemetry) {
    telemetries.add(Objects.requireNonNull(telemetry, "telemetry"));
    return this;
  }

  /** Retries and the error queue. Default: {@link Recoverability#defaults()}. */
  public EndpointBuilder recoverability(Recoverability recoverability) {
    this.recoverability = recoverability;
    return this;
  }

  /**
   * Whether {@link Endpoint#start()} subscribes the input queue to the topic of every handled type.
   * Default: {@code true}.
   */
  public EndpointBuilder autoSubscribe(boolean autoSubscribe) {
    this.autoSubscribe = autoSubscribe;
    return this;
  }

  /**
   * Where message classes named in enclosed-types headers are looked up. Default: the thread
   * context class loader when {@link #build()} runs, else Pump's own.
   */
  public EndpointBuilder classLoader(ClassLoader classLoader) {
    this.classLoader = classLoader;
    return this;
  }

  /**
   * Registers a handler instance shared by every message of {@code type} or its subtypes; it must
   * be thread-safe. Several handlers may be registered for one type; they run in registration
   * order.
   *
   * <p>{@code type} must be one of the application's own types: {@link #build()} refuses JDK types
   * ({@code Object}, {@code Record}, {@code Serializable}, {@code String}, anything in {@code
   * java.*} or {@code javax.*}), arrays and primitives. The sender names the class to instantiate
   * in a header, and a handler for {@code Object} would let it pick any class on the class path.
   * For a catch-all, give your messages a common interface and handle that.
   */
  public <T> EndpointBuilder handler(Class<T> type, Handler<? super T> handler) {
    registrations.handler(type, handler);
    return this;
  }

  /**
   * Registers a factory that makes a new handler for every message of {@code type} or its subtypes,
   * e.g. from a dependency-injection scope; a handler that is {@link AutoCloseable} is closed after
   * its message. {@code type} must be one of the application's own types, as for {@link #handler}.
   */
  public <T> EndpointBuilder handlerFactory(
      Class<T> type, Supplier<? extends Handler<? super T>> factory) {
    registrations.handlerFactory(type, factory);
    return this;
  }

  /**
   * Routes commands of {@code type} (and its subtypes, unless routed themselves) to the queue
   * {@code destination}, for {@link Context#send(Object)}.
   */
  public EndpointBuilder route(Class<?> type, String destination) {
    registrations.route(type, destination);
    return this;
  }

  /**
   * Names {@code type} on the wire for this endpoint: in the enclosed-types header of what it
   * sends, as its topic, and when reading what it receives; for types you cannot or would rather
   * not annotate with {@link MessageName}. It overrides the annotation, whose name and aliases stay
   * aliases. The Java class name is always an alias too. {@link #build()} refuses a name that is
   * not a valid {@linkplain dev.pump.core##names name}, an alias that is neither that nor a Java
   * class name, and two types of the endpoint claiming one name or alias. Default: the {@link
   * MessageName} annotation, else the class name.
   */
  public EndpointBuilder messageName(Class<?> type, String name, String... aliases) {
    registrations.messageName(type, name, aliases);
    return this;
  }

  /**
   * Makes every message take part in {@code storage}: a unit of work, an inbox and an outbox (see
   * {@code pump-outbox-jdbc}). Its links are added to the pipeline at once, so call this before
   * {@link #middleware} when your own links refer to them. Default: none, so what handlers send
   * goes straight to the transport after they succeed.
   */
  public EndpointBuilder storage(Storage storage) {
    if (storage == null) {
      problems.add("endpoint.storage must not be null; leave it unset for no storage");
      return this;
    }
    if (this.storage != null) {
      problems.add("endpoint.storage is set twice");
      return this;
    }
    this.storage = storage;
    try {
      storage.install(pipeline);
    } catch (PumpConfigurationException e) {
      problems.add(e.getMessage());
    }
    return this;
  }

  /**
   * Arranges middleware around the built-in links by name, e.g. {@code m -> m.addBefore(
   * Middleware.INVOKE_HANDLERS, "audit", audit)}. Default: only the built-in links.
   */
  public EndpointBuilder middleware(Consumer<PipelineBuilder> arrangement) {
    try {
      arrangement.accept(pipeline);
    } catch (PumpConfigurationException e) {
      problems.add(e.getMessage()); // reported by build(), with every other problem
    }
    return this;
  }

  /**
   * Returns the endpoint, not yet started.
   *
   * @throws PumpConfigurationException naming every invalid setting and its value; or, at once, the
   *     Jackson versions found when the default serializer is needed and cannot run on them
   */
  public Endpoint build() {
    MessageNames names = registrations.messageNames();
    ClassLoader loader = classLoader;
    if (loader == null) {
      loader = Thread.currentThread().getContextClassLoader();
    }
    if (loader == null) {
      loader = EndpointBuilder.class.getClassLoader();
    }
    EndpointSettings settings =
        new EndpointSettings(
            name,
            inputQueue != null ? inputQueue : name,
            transport,
            serializerSet ? serializer : DefaultSerializer.create(),
            clock,
            concurrency,
            messagesPerTransaction,
            batchFillWait,
            receiveWait,
            stopGrace,
            cancellationGrace,
            computeThreads,
            immediateDispatchConcurrency,
            maxBatchMessages,
            maxBatchBytes,
            receiveBackoff,
            maxReceiveBackoff,
            circuitBreakerThreshold,
            onCriticalError,
            recoverability,
            storage,
            autoSubscribe,
            loader,
            registrations.handlers(),
            registrations.routes(),
            pipeline.copy(),
            names,
            SafeTelemetry.of(telemetries));
    EndpointChecks.check(settings, inputQueue != null, problems);
    return DefaultEndpoint.create(settings);
  }

  @Override
  public String toString() {
    return "EndpointBuilder[" + Objects.toString(name, "unnamed") + "]";
  }
}
