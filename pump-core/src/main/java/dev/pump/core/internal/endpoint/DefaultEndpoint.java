package dev.pump.core.internal.endpoint;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointHealth;
import dev.pump.core.MessageSender;
import dev.pump.core.PumpException;
import dev.pump.core.SendOptions;
import dev.pump.core.internal.concurrent.ComputePool;
import dev.pump.core.internal.dispatch.DefaultOutgoingBuffer;
import dev.pump.core.internal.dispatch.OutgoingFactory;
import dev.pump.core.internal.dispatch.TransportDispatcher;
import dev.pump.core.internal.pipeline.Chain;
import dev.pump.core.internal.pipeline.ContextServices;
import dev.pump.core.internal.pipeline.DeserializeLink;
import dev.pump.core.internal.pipeline.DispatchOutgoingLink;
import dev.pump.core.internal.pipeline.InvokeHandlersLink;
import dev.pump.core.internal.pump.MessageProcessor;
import dev.pump.core.internal.pump.MessagePump;
import dev.pump.core.internal.pump.ReceiveCircuitBreaker;
import dev.pump.core.internal.recoverability.RecoveryActions;
import dev.pump.core.internal.routing.HandlerRegistry;
import dev.pump.core.internal.routing.Router;
import dev.pump.core.internal.shared.BufferedSender;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.recoverability.FailedMessages;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.OutgoingBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint: wires settings into a pump, a pipeline and a sender, and runs its lifecycle.
 *
 * <p>The lifecycle is one atomic state: CREATED, STARTING, RUNNING, STOPPING, STOPPED. A stop that
 * arrives while start is still creating queues marks the endpoint STOPPING and waits; start, when
 * it finds it can no longer move STARTING to RUNNING, stops the pump it just started with the grace
 * that stop asked for. So the pump is always assigned before anyone but start touches it.
 */
public final class DefaultEndpoint implements Endpoint {
  private static final Logger log = LoggerFactory.getLogger(Loggers.ENDPOINT);

  private final EndpointSettings settings;
  private final HandlerRegistry handlers;
  private final Router router;
  private final OutgoingFactory factory;
  private final TransportDispatcher dispatcher;
  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  // the grace of a stop that arrived while starting; start applies it
  private volatile Duration graceRequestedWhileStarting;
  private volatile ComputePool computePool;
  private volatile MessagePump pump;
  private volatile ReceiveCircuitBreaker breaker;

  private DefaultEndpoint(EndpointSettings settings) {
    this.settings = settings;
    this.handlers = new HandlerRegistry(settings.handlers());
    this.router = new Router(settings.routes(), settings.messageNames());
    this.dispatcher =
        new TransportDispatcher(
            settings.transport(),
            settings.maxBatchMessages(),
            settings.maxBatchBytes(),
            settings.telemetry());
    this.factory =
        new OutgoingFactory(
            settings.name(),
            settings.inputQueue(),
            settings.serializer(),
            settings.clock(),
            settings.transport().capabilities().delayedDelivery()
                || (settings.storage() != null && settings.storage().holdsDelayedMessages()),
            settings.messageNames(),
            settings.telemetry(),
            settings.transport().messagingSystem());
  }

  /** Creates an endpoint from validated settings, and shows it to its telemetry. */
  public static Endpoint create(EndpointSettings settings) {
    DefaultEndpoint endpoint = new DefaultEndpoint(settings);
    settings.telemetry().endpointBuilt(endpoint);
    return endpoint;
  }

  @Override
  public EndpointHealth health() {
    MessagePump current = pump;
    ReceiveCircuitBreaker currentBreaker = breaker;
    return new EndpointHealth(
        name(),
        state(),
        currentBreaker == null ? EndpointHealth.BreakerState.CLOSED : currentBreaker.receiving(),
        currentBreaker == null ? EndpointHealth.BreakerState.CLOSED : currentBreaker.settling(),
        current == null ? 0 : current.messagesInFlight(),
        settings.concurrency(),
        currentBreaker == null ? Optional.empty() : currentBreaker.lastError());
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public String inputQueue() {
    return settings.inputQueue();
  }

  @Override
  public State state() {
    return state.get();
  }

  @Override
  public void start() {
    if (!state.compareAndSet(State.CREATED, State.STARTING)) {
      throw new IllegalStateException(
          "endpoint " + name() + " is " + state.get() + "; an endpoint starts once");
    }
    MessagePump started;
    try {
      var transport = settings.transport();
      transport.createQueue(settings.inputQueue());
      transport.createQueue(settings.recoverability().errorQueue());
      if (settings.autoSubscribe()) {
        for (Class<?> type : handlers.handledTypes()) {
          for (String topic : settings.messageNames().subscriptionTopics(type)) {
            transport.subscribe(topic, settings.inputQueue());
          }
        }
      }
      computePool = new ComputePool(name(), settings.computeThreads());
      started = newPump();
      pump = started;
      started.start();
    } catch (RuntimeException | Error e) {
      state.set(State.STOPPED);
      stopped.complete(null);
      if (computePool != null) {
        computePool.shutdownNow();
      }
      throw e;
    }
    if (!state.compareAndSet(State.STARTING, State.RUNNING)) {
      // stop() was called while starting: it set STOPPING and waits for us to finish the job
      log.info("Endpoint {} was stopped while starting", name());
      stopNow(started, graceRequestedWhileStarting);
      return;
    }
    log.info(
        "Endpoint {} started on {} with concurrency {}",
        name(),
        settings.inputQueue(),
        settings.concurrency());
  }

  private MessagePump newPump() {
    ReceiveCircuitBreaker breaker =
        new ReceiveCircuitBreaker(
            name(),
            settings.inputQueue(),
            settings.receiveBackoff(),
            settings.maxReceiveBackoff(),
            settings.circuitBreakerThreshold(),
            settings.clock(),
            settings.onCriticalError());
    this.breaker = breaker;
    ContextServices services =
        new ContextServices(
            name(),
            router,
            factory,
            dispatcher,
            settings.immediateDispatchConcurrency(),
            computePool);
    Chain chain =
        settings
            .pipeline()
            .compile(
                Map.of(
                    Middleware.DESERIALIZE,
                    new DeserializeLink(
                        settings.serializer(),
                        handlers,
                        settings.classLoader(),
                        name(),
                        settings.messageNames()),
                    Middleware.DISPATCH_OUTGOING,
                    new DispatchOutgoingLink(dispatcher),
                    Middleware.INVOKE_HANDLERS,
                    new InvokeHandlersLink(handlers)));
    MessageProcessor processor =
        new MessageProcessor(
            name(),
            chain,
            services,
            settings.recoverability(),
            new RecoveryActions(
                name(),
                settings.transport(),
                settings.storage(),
                settings.recoverability().errorQueue(),
                settings.clock()),
            breaker,
            settings.telemetry(),
            settings.transport().messagingSystem());
    return new MessagePump(
        name(),
        settings.inputQueue(),
        settings.transport(),
        settings.storage(),
        settings.concurrency(),
        // without a storage there is no transaction for a batch to share
        settings.storage() == null ? 1 : settings.messagesPerTransaction(),
        settings.receiveWait(),
        settings.batchFillWait(),
        breaker,
        processor,
        settings.telemetry());
  }

  @Override
  public void stop(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (state.compareAndSet(State.CREATED, State.STOPPED)) {
      stopped.complete(null);
      return;
    }
    graceRequestedWhileStarting = grace; // read by start only if the next line succeeds
    if (state.compareAndSet(State.STARTING, State.STOPPING)) {
      awaitStopped(grace);
      return;
    }
    if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
      awaitStopped(grace);
      return;
    }
    MessagePump running = pump;
    if (running.isMessageThread(Thread.currentThread())) {
      // Waiting here would mean waiting for ourselves: stop on another thread instead.
      Thread.ofVirtual().name("pump-" + name() + "-stop").start(() -> stopNow(running, grace));
      return;
    }
    stopNow(running, grace);
  }

  private void stopNow(MessagePump running, Duration grace) {
    log.info("Endpoint {} stopping, grace {}", name(), grace);
    boolean interrupted = false;
    try {
      running.stop(grace, settings.cancellationGrace());
    } catch (InterruptedException e) {
      interrupted = true;
    }
    try {
      computePool.shutdown(Duration.ZERO);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    state.set(State.STOPPED);
    stopped.complete(null);
    log.info("Endpoint {} stopped", name());
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // A concurrent second caller waits for the first one's stop, bounded like its own would be;
  // one of the endpoint's own handlers does not wait, since the stop waits for it.
  private void awaitStopped(Duration grace) {
    MessagePump running = pump;
    if (running != null && running.isMessageThread(Thread.currentThread())) {
      return;
    }
    try {
      stopped.get(
          grace.plus(settings.cancellationGrace()).toNanos(),
          java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.warn("Endpoint {}: gave up waiting for a concurrent stop", name());
    }
  }

  @Override
  public void close() {
    stop(settings.stopGrace());
  }

  @Override
  public MessageSender withoutOutbox() {
    return new MessageSender() {
      @Override
      public void send(Object message, SendOptions options) {
        Objects.requireNonNull(message, "message");
        dispatchNow(router.routeFor(message.getClass()), message, options);
      }

      @Override
      public void send(String destination, Object message, SendOptions options) {
        dispatchNow(Destination.queue(destination), message, options);
      }

      @Override
      public void publish(Object event, SendOptions options) {
        Objects.requireNonNull(event, "event");
        dispatchNow(router.topicsFor(event.getClass()), event, options);
      }

      @Override
      public String toString() {
        return "sender without outbox of endpoint " + name();
      }
    };
  }

  private void dispatchNow(Destination destination, Object message, SendOptions options) {
    if (state.get() == State.STOPPED) {
      throw new PumpException("endpoint " + name() + " is stopped; it sends no more");
    }
    dispatcher.dispatch(List.of(factory.create(destination, message, options, null, 0)));
  }

  @Override
  public FailedMessages failedMessages() {
    return FailedMessages.of(
        settings.transport(), settings.recoverability().errorQueue(), settings.clock());
  }

  /**
   * A new sender that buffers instead of sending, for code outside a handler that must send in its
   * own transaction: the storage module drains it into the outbox before that transaction commits.
   * Messages get this endpoint's routing, serializer and headers, as from a handler. Works whether
   * or not the endpoint was started.
   */
  public BufferedSender bufferedSender() {
    DefaultOutgoingBuffer buffer = new DefaultOutgoingBuffer();
    return new BufferedSender() {
      @Override
      public void send(Object message, SendOptions options) {
        Objects.requireNonNull(message, "message");
        buffer.add(factory.create(router.routeFor(message.getClass()), message, options, null, 0));
      }

      @Override
      public void send(String destination, Object message, SendOptions options) {
        buffer.add(factory.create(Destination.queue(destination), message, options, null, 0));
      }

      @Override
      public void publish(Object event, SendOptions options) {
        Objects.requireNonNull(event, "event");
        buffer.add(factory.create(router.topicsFor(event.getClass()), event, options, null, 0));
      }

      @Override
      public OutgoingBuffer outgoing() {
        return buffer;
      }
    };
  }

  @Override
  public String toString() {
    return "Endpoint[" + name() + ", " + state.get() + "]";
  }
}
