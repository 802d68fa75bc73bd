package dev.pump.core.internal.pump;

import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Storage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.telemetry.Telemetry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message pump: receiver threads (one per four permits or per batch, at most four: {@link
 * #receiversFor}) that each take a concurrency permit, and as many more as are free at that moment
 * up to the endpoint's messages per transaction, then receive up to that many messages and hand
 * them, as one batch, to a new virtual thread, which gives the permits back once the batch is
 * settled. So a batch of N holds N permits, a batch is only as large as what waits and the permits
 * free, and a quiet endpoint keeps single-message latency: a receive never waits to fill a batch
 * unless the endpoint's batch fill wait says so.
 *
 * <p>Acquiring the permit <em>before</em> receiving is the point: the number of messages in flight
 * can never exceed the concurrency, however full the queue (the talk's "rush hour"), and no message
 * is taken from the transport without a thread ready to process it. Every message thread is tracked
 * until it ends, so stop knows exactly what is in flight.
 *
 * <p>A message delivered before ({@code deliveryCount() > 1}) runs alone in its process: through
 * the {@link RedeliveryGate} every pump's messages in flight finish first, and no pump of the
 * process receives until it is settled. Such a message was last seen in a process that died, a
 * connection that broke or a stop that cancelled it; if it is what kills the process, it takes no
 * innocent message down with it, and only its own delivery count climbs towards {@code
 * maxDeliveries}. Redeliveries are rare, so the cost, a moment of concurrency one, is too. Where
 * the transport's count also includes messages pushed to the process but never received (RabbitMQ's
 * prefetch), the {@link RedeliveryCounter} counts in the storage instead, when the message starts.
 *
 * <p>The receiver is a platform thread, so that long compute-bound handlers on virtual threads
 * cannot starve it of a carrier.
 */
public final class MessagePump {
  /** What a receive, and then its message, holds of the process's {@link RedeliveryGate}. */
  private enum Hold {
    NONE,
    SHARED,
    EXCLUSIVE
  }

  private static final Logger log = LoggerFactory.getLogger(Loggers.ENDPOINT);

  /**
   * How long a redelivered message waits for the rest of the process to finish, and how long it
   * then keeps the others from starting: 30 seconds each.
   */
  static final Duration ALONE_WAIT = Duration.ofSeconds(30);

  private final String endpoint;
  private final String queue;
  private final Transport transport;
  private final int concurrency;
  private final int messagesPerTransaction;
  private final Duration receiveWait;
  private final Duration batchFillWait;
  private final ReceiveCircuitBreaker breaker;
  private final MessageProcessor processor;
  private final RedeliveryCounter redeliveries;
  private final Semaphore permits;
  private final Telemetry telemetry;
  private final String system;
  private final AtomicInteger messagesInFlight = new AtomicInteger();
  private final Map<Thread, InFlight> inFlight = new ConcurrentHashMap<>();
  private final RedeliveryGate gate = RedeliveryGate.PROCESS;
  private volatile boolean stopping;
  private final List<Thread> receivers = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Creates it; see the class comment.
   *
   * @param storage counts redeliveries when the transport's count includes messages never received
   *     ({@link RedeliveryCounter}); may be null
   * @param messagesPerTransaction the most messages one receive takes, to handle as one batch
   * @param batchFillWait how long a receive that has a message waits for more to fill its batch
   * @param telemetry told of every receive
   */
  public MessagePump(
      String endpoint,
      String queue,
      Transport transport,
      Storage storage,
      int concurrency,
      int messagesPerTransaction,
      Duration receiveWait,
      Duration batchFillWait,
      ReceiveCircuitBreaker breaker,
      MessageProcessor processor,
      Telemetry telemetry) {
    this.endpoint = endpoint;
    this.queue = queue;
    this.transport = transport;
    this.concurrency = concurrency;
    this.messagesPerTransaction = messagesPerTransaction;
    this.receiveWait = receiveWait;
    this.batchFillWait = batchFillWait;
    this.breaker = breaker;
    this.processor = processor;
    this.redeliveries = new RedeliveryCounter(endpoint, transport, storage);
    this.permits = new Semaphore(concurrency);
    this.telemetry = telemetry;
    this.system = transport.messagingSystem();
  }

  /**
   * How many receiver threads a pump of {@code concurrency} runs: one per four permits, or per
   * batch when batches are larger, one to four. A receive is a round trip or more (three with the
   * PostgreSQL transport: the committed delivery count, then the claim), so one receiver caps an
   * endpoint's rate at one receive at a time whatever its concurrency; but receivers also share the
   * free permits between them, so more receivers than batches would only make the batches smaller.
   */
  static int receiversFor(int concurrency, int messagesPerTransaction) {
    return Math.max(1, Math.min(4, concurrency / Math.max(4, messagesPerTransaction)));
  }

  /** Starts the receiver threads. */
  public void start() {
    int count = receiversFor(concurrency, messagesPerTransaction);
    for (int i = 1; i <= count; i++) {
      receivers.add(
          Thread.ofPlatform()
              .name("pump-" + endpoint + "-receiver" + (i == 1 ? "" : "-" + i))
              .daemon(true)
              .start(this::receiveLoop));
    }
  }

  /** Whether the thread calling this is one of this pump's message threads. */
  public boolean isMessageThread(Thread thread) {
    return inFlight.containsKey(thread);
  }

  private void receiveLoop() {
    while (!stopping) {
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        break;
      }
      int held = 1 + morePermits(messagesPerTransaction - 1);
      try {
        gate.enterShared();
      } catch (InterruptedException e) {
        permits.release(held);
        break;
      }
      Hold hold = Hold.SHARED; // what this loop holds of the gate; handed to the message thread
      boolean handedOff = false;
      try {
        if (stopping) {
          break;
        }
        List<ReceivedMessage> received = receive(held);
        breaker.succeeded();
        if (received.size() < held) {
          permits.release(held - received.size());
          held = received.size();
        }
        if (received.isEmpty()) {
          continue;
        }
        if (stopping) {
          received.forEach(this::notStarted);
          break;
        }
        if (received.size() == 1 && received.getFirst().deliveryCount() > 1) {
          gate.exitShared();
          hold = Hold.NONE; // until the wait below returns
          hold = waitToRunAlone(received.getFirst());
          if (hold == Hold.NONE) {
            break; // stop began while the others finished; the message went back
          }
        }
        startProcessing(received, hold, held);
        handedOff = true;
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException | Error e) {
        if (stopping) {
          break;
        }
        try {
          breaker.failed(e);
        } catch (InterruptedException interrupted) {
          break;
        }
      } finally {
        if (!handedOff) {
          release(hold);
          permits.release(held);
        }
      }
    }
    log.debug("Endpoint {} stopped receiving from {}", endpoint, queue);
  }

  private List<ReceivedMessage> receive(int max) throws InterruptedException {
    long started = System.nanoTime();
    List<ReceivedMessage> received;
    try {
      received = transport.receive(queue, max, receiveWait, batchFillWait);
    } catch (InterruptedException e) {
      throw e; // stop: not a failed receive
    } catch (RuntimeException | Error e) {
      telemetry.received(endpoint, system, queue, 0, since(started), e);
      throw e;
    }
    telemetry.received(endpoint, system, queue, received.size(), since(started), null);
    return received;
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** How many received messages are being processed now. */
  public int messagesInFlight() {
    return messagesInFlight.get();
  }

  /**
   * Takes up to {@code wanted} more permits that are free now, without waiting: a batch is made of
   * what the endpoint can take on at once, and a busy endpoint receives one message at a time.
   */
  private int morePermits(int wanted) {
    int taken = 0;
    while (taken < wanted && permits.tryAcquire()) {
      taken++;
    }
    return taken;
  }

  /**
   * Waits for the process's gate exclusively, so the redelivered {@code message} runs alone; after
   * {@link #ALONE_WAIT} it runs beside whatever still runs (a handler that hangs must not stop the
   * process). Returns the hold taken, or NONE if stop began meanwhile, in which case the message
   * was given back.
   */
  private Hold waitToRunAlone(ReceivedMessage message) {
    log.info(
        "Endpoint {}: message {} is on delivery {}; it runs alone in this process once the {}"
            + " messages and receives under way are done",
        endpoint,
        message.messageId(),
        message.deliveryCount(),
        gate.shared());
    boolean alone;
    try {
      alone = gate.enterExclusive(ALONE_WAIT, ALONE_WAIT);
      if (!alone) {
        log.warn(
            "Endpoint {}: message {} could not run alone within {} ({} messages still in flight"
                + " in this process); it runs beside them",
            endpoint,
            message.messageId(),
            ALONE_WAIT,
            gate.shared());
        gate.enterShared();
      }
    } catch (InterruptedException e) {
      notStarted(message);
      return Hold.NONE;
    }
    Hold hold = alone ? Hold.EXCLUSIVE : Hold.SHARED;
    if (stopping) {
      release(hold);
      notStarted(message);
      return Hold.NONE;
    }
    return hold;
  }

  private void release(Hold hold) {
    switch (hold) {
      case SHARED -> gate.exitShared();
      case EXCLUSIVE -> gate.exitExclusive();
      case NONE -> {}
    }
  }

  private void startProcessing(List<ReceivedMessage> messages, Hold hold, int held) {
    ReceivedMessage first = messages.getFirst();
    InFlight state =
        new InFlight(
            messages.size() == 1
                ? "message " + first.messageId()
                : "batch of " + messages.size() + " messages from " + first.messageId());
    Thread thread =
        Thread.ofVirtual()
            .name("pump-" + endpoint + "-" + first.messageId())
            .unstarted(() -> run(messages, state, hold, held));
    state.runsOn(thread);
    // registered before it starts, so stop can never miss it
    inFlight.put(thread, state);
    messagesInFlight.addAndGet(messages.size());
    try {
      thread.start();
    } catch (RuntimeException | Error e) {
      inFlight.remove(thread);
      messagesInFlight.addAndGet(-messages.size());
      messages.forEach(this::notStarted);
      throw e;
    }
  }

  private void run(List<ReceivedMessage> messages, InFlight state, Hold hold, int held) {
    try {
      // a redelivery is counted here, where it starts (alone), not where it was received
      List<ReceivedMessage> counted =
          messages.size() == 1 ? List.of(redeliveries.count(messages.getFirst())) : messages;
      processor.process(counted, state);
    } catch (Throwable t) {
      log.error(
          "Endpoint {}: processing {} failed outside recoverability", endpoint, state.label(), t);
    } finally {
      inFlight.remove(Thread.currentThread());
      messagesInFlight.addAndGet(-messages.size());
      release(hold);
      permits.release(held);
    }
  }

  // A message received after stop began is given back untouched, to be received again later.
  private void notStarted(ReceivedMessage message) {
    // stop's interrupt must not reach the transport's socket while it takes the message back
    boolean interrupted = Thread.interrupted();
    try {
      message.abandon(Duration.ZERO);
    } catch (RuntimeException e) {
      log.warn(
          "Endpoint {} could not give back message {}; the transport will redeliver it",
          endpoint,
          message.messageId(),
          e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops in order: no more receives; wait for in-flight messages up to {@code grace}; then cancel
   * the rest (their cancellation signal, then an interrupt, but only for messages still in the
   * pipeline: a thread that is settling its message is never interrupted) and wait up to {@code
   * cancellationGrace} more. Cancelled messages are abandoned by their threads and come back later.
   * Returns within {@code grace + cancellationGrace} (plus scheduling noise) even if a handler
   * ignores cancellation.
   *
   * @return whether every message thread ended
   */
  public boolean stop(Duration grace, Duration cancellationGrace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    stopping = true;
    receivers.forEach(Thread::interrupt);
    for (Thread receiverThread : receivers) {
      receiverThread.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
    // All permits free means nothing in flight and the receiver holds none: the seed talk's
    // "wait until the semaphore is full again", but bounded.
    if (permits.tryAcquire(
        concurrency, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      return true;
    }
    List<InFlight> cancelled = List.copyOf(inFlight.values());
    log.warn(
        "Endpoint {}: grace of {} ran out with {} messages in flight; cancelling them",
        endpoint,
        grace,
        cancelled.size());
    cancelled.forEach(InFlight::cancel);
    if (permits.tryAcquire(concurrency, cancellationGrace.toNanos(), TimeUnit.NANOSECONDS)) {
      return true;
    }
    log.error(
        "Endpoint {}: messages {} ignored cancellation and are still running; stop returns"
            + " without them, and the transport redelivers them if they never finish",
        endpoint,
        inFlight.values().stream().map(InFlight::label).toList());
    return false;
  }
}
