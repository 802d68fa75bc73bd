package dev.pump.core.internal.pump;

import dev.pump.core.transport.ReceivedMessage;
import dev.pump.core.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message pump: one receiver thread that takes a concurrency permit, then receives one message
 * and hands it to a new virtual thread, which gives the permit back when the message is settled.
 *
 * <p>Acquiring the permit <em>before</em> receiving is the point: the number of messages in flight
 * can never exceed the concurrency, however full the queue (the talk's "rush hour"), and no message
 * is taken from the transport without a thread ready to process it. Every message thread is tracked
 * until it ends, so stop knows exactly what is in flight.
 *
 * <p>A message delivered before ({@code deliveryCount() > 1}) runs alone: the receiver takes every
 * permit first, so the messages already in flight finish and nothing else is received until it is
 * settled. Such a message was last seen in a process that died, a connection that broke or a stop
 * that cancelled it; if it is what kills the process, it takes no innocent message down with it,
 * and only its own delivery count climbs towards {@code maxDeliveries}. Redeliveries are rare, so
 * the cost, a moment of concurrency one, is too.
 *
 * <p>The receiver is a platform thread, so that long compute-bound handlers on virtual threads
 * cannot starve it of a carrier.
 */
public final class MessagePump {
  private static final Logger log = LoggerFactory.getLogger(MessagePump.class);

  private final String endpoint;
  private final String queue;
  private final Transport transport;
  private final int concurrency;
  private final Duration receiveWait;
  private final ReceiveCircuitBreaker breaker;
  private final MessageProcessor processor;
  private final Semaphore permits;
  private final Map<Thread, InFlight> inFlight = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  private volatile Thread receiver;

  /** Creates it; see the class comment. */
  public MessagePump(
      String endpoint,
      String queue,
      Transport transport,
      int concurrency,
      Duration receiveWait,
      ReceiveCircuitBreaker breaker,
      MessageProcessor processor) {
    this.endpoint = endpoint;
    this.queue = queue;
    this.transport = transport;
    this.concurrency = concurrency;
    this.receiveWait = receiveWait;
    this.breaker = breaker;
    this.processor = processor;
    this.permits = new Semaphore(concurrency);
  }

  /** Starts the receiver thread. */
  public void start() {
    receiver =
        Thread.ofPlatform()
            .name("pump-" + endpoint + "-receiver")
            .daemon(true)
            .start(this::receiveLoop);
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
      boolean handedOff = false;
      int held = 1;
      try {
        if (stopping) {
          break;
        }
        Optional<ReceivedMessage> received = transport.receive(queue, receiveWait);
        breaker.succeeded();
        if (received.isEmpty()) {
          continue;
        }
        if (stopping) {
          notStarted(received.get());
          break;
        }
        if (received.get().deliveryCount() > 1) {
          held = isolate(received.get());
          if (held == 0) {
            held = 1;
            break; // stop began while the others finished; the message went back
          }
        }
        startProcessing(received.get(), held);
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
          permits.release(held);
        }
      }
    }
    log.debug("Endpoint {} stopped receiving from {}", endpoint, queue);
  }

  /**
   * Waits until the messages in flight are settled by taking the other permits, for a redelivered
   * message to run alone. Returns the permits now held (all of them), or 0 if stop began, in which
   * case the message was given back and only the receiver's own permit is still held.
   */
  private int isolate(ReceivedMessage message) {
    log.info(
        "Endpoint {}: message {} is on delivery {}; it runs alone once the {} messages in flight"
            + " are done",
        endpoint,
        message.messageId(),
        message.deliveryCount(),
        concurrency - 1 - permits.availablePermits());
    try {
      permits.acquire(concurrency - 1);
    } catch (InterruptedException e) {
      notStarted(message);
      return 0;
    }
    if (stopping) {
      permits.release(concurrency - 1);
      notStarted(message);
      return 0;
    }
    return concurrency;
  }

  private void startProcessing(ReceivedMessage message, int held) {
    InFlight state = new InFlight(message.messageId());
    Thread thread =
        Thread.ofVirtual()
            .name("pump-" + endpoint + "-" + message.messageId())
            .unstarted(() -> run(message, state, held));
    state.runsOn(thread);
    // registered before it starts, so stop can never miss it
    inFlight.put(thread, state);
    try {
      thread.start();
    } catch (RuntimeException | Error e) {
      inFlight.remove(thread);
      notStarted(message);
      throw e;
    }
  }

  private void run(ReceivedMessage message, InFlight state, int held) {
    try {
      processor.process(message, state);
    } catch (Throwable t) {
      log.error(
          "Endpoint {}: processing message {} failed outside recoverability",
          endpoint,
          message.messageId(),
          t);
    } finally {
      inFlight.remove(Thread.currentThread());
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
    Thread receiverThread = receiver;
    if (receiverThread != null) {
      receiverThread.interrupt();
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
        inFlight.values().stream().map(InFlight::messageId).toList());
    return false;
  }
}
