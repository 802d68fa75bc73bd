package dev.pump.jdbc.internal.dispatcher;

import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.telemetry.SendObservation;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.jdbc.internal.dispatcher.Lanes.DestinationRun;
import dev.pump.jdbc.internal.dispatcher.Lanes.Lane;
import dev.pump.jdbc.internal.outbox.PendingRow;
import dev.pump.jdbc.internal.sql.HeadersJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one cycle's lanes side by side: up to {@code parallelism} virtual threads take lanes in the
 * cycle's order, each sending its lane's batches one after another, while the cycle's thread waits
 * and watches the clock. The transport is called from several threads at once, so it must be
 * thread-safe (the {@code Transport} SPI asks it).
 *
 * <p>Three bounds:
 *
 * <ul>
 *   <li><b>Transport calls at once</b> never exceed {@code parallelism}, across cycles too: a call
 *       holds a slot until it returns, even one its cycle gave up on. With the PostgreSQL transport
 *       each call holds a pooled connection, which is what the pool is sized by.
 *   <li><b>A send that hangs</b> is abandoned after {@code sendTimeout}: its thread is interrupted,
 *       its batch and the rest of its destination's rows are recorded as a failed attempt (retried
 *       after back-off; a copy that did arrive is absorbed by the receiver's inbox), and the
 *       destination's circuit breaker opens at once, so a hanging destination costs the others one
 *       wait per pause, not one per cycle. The cycle then commits everything else.
 *   <li><b>One send per destination</b> at a time, across cycles too: a destination whose abandoned
 *       send has not returned yet is left out of the next claims ({@link #busy()}), so its batches
 *       cannot overtake each other.
 * </ul>
 *
 * <p>Only the cycle's thread touches the database; senders report what the transport confirmed and
 * what failed, and the cycle marks it. Thread-safe.
 */
public final class ParallelSends {
  private static final Logger log = LoggerFactory.getLogger(Loggers.DISPATCHER);

  private final Transport transport;
  private final DestinationBreakers breakers;
  private final DispatchCounters counters;
  private final int parallelism;
  private final Duration sendTimeout;
  private final String threadName;
  private final Telemetry telemetry;
  private final Semaphore slots;
  // destinations with a transport call in flight, abandoned ones included, until it returns
  private final Set<String> sending = ConcurrentHashMap.newKeySet();

  /** What a cycle's sends came to. */
  public record Outcome(long[] sentIds, List<Failure> failures, boolean stopped) {}

  /**
   * A failed attempt of {@code rows} (the failed batch and the rest of its destination's rows in
   * the cycle).
   *
   * @param opened whether this failure opened the destination's circuit breaker
   */
  public record Failure(
      String destination, List<PendingRow> rows, RuntimeException error, boolean opened) {}

  /** Creates the senders of one dispatcher; {@code threadName} names their virtual threads. */
  public ParallelSends(
      Transport transport,
      DestinationBreakers breakers,
      DispatchCounters counters,
      int parallelism,
      Duration sendTimeout,
      String threadName,
      Telemetry telemetry) {
    this.transport = transport;
    this.breakers = breakers;
    this.counters = counters;
    this.parallelism = parallelism;
    this.sendTimeout = sendTimeout;
    this.threadName = threadName;
    this.telemetry = telemetry;
    this.slots = new Semaphore(parallelism);
  }

  /** Destinations not to claim now: a send to them, abandoned by an earlier cycle, still runs. */
  public List<String> busy() {
    return List.copyOf(sending);
  }

  /**
   * Sends {@code lanes} and returns once every lane has finished or been abandoned. If the calling
   * thread is interrupted (a stop past its grace), every send in flight is abandoned at once and
   * counted against no destination, and the outcome says {@code stopped}; the interrupt flag is
   * left clear, so that the caller can mark the confirmed sends before it stops.
   */
  Outcome send(List<Lane> lanes) {
    Queue<Lane> queue = new ConcurrentLinkedQueue<>(lanes);
    int workers = Math.min(parallelism, lanes.size());
    CountDownLatch settled = new CountDownLatch(workers);
    List<Sender> senders = new ArrayList<>(workers);
    for (int i = 0; i < workers; i++) {
      Sender sender = new Sender(queue, settled);
      senders.add(sender);
      sender.thread = Thread.ofVirtual().name(threadName).unstarted(sender);
    }
    senders.forEach(s -> s.thread.start());
    boolean stopped = false;
    try {
      long timeout = sendTimeout.toNanos();
      while (!settled.await(nextCheck(senders, System.nanoTime(), timeout), TimeUnit.NANOSECONDS)) {
        long now = System.nanoTime();
        senders.forEach(s -> s.abandonIfOverdue(now, timeout));
      }
    } catch (InterruptedException e) {
      stopped = true;
      senders.forEach(Sender::abandonForStop);
    }
    List<Long> sent = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    for (Sender sender : senders) {
      sender.collect(sent, failures);
    }
    return new Outcome(sent.stream().mapToLong(Long::longValue).toArray(), failures, stopped);
  }

  /** How long to wait before the next sender may be overdue. */
  private static long nextCheck(List<Sender> senders, long now, long timeout) {
    long next = timeout; // a sender that starts a wait from now on is due no sooner than this
    for (Sender sender : senders) {
      next = Math.min(next, sender.dueIn(now, timeout));
    }
    return Math.max(0, next);
  }

  private void transmit(List<PendingRow> batch) {
    List<OutgoingMessage> messages = new ArrayList<>(batch.size());
    for (PendingRow row : batch) {
      messages.add(
          OutgoingMessage.of(row.messageId(), HeadersJson.read(row.headersJson()), row.body()));
    }
    PendingRow first = batch.getFirst();
    Destination destination =
        first.publish()
            ? Destination.topics(first.topics())
            : Destination.queue(first.destination());
    SendObservation observation =
        telemetry.sending(transport.messagingSystem(), destination, messages);
    try {
      if (first.publish()) {
        transport.publish(first.topics(), messages);
      } else {
        transport.send(first.destination(), messages);
      }
    } catch (RuntimeException | Error e) {
      observation.ended(e);
      throw e;
    }
    observation.ended(null);
  }

  private enum Phase {
    IDLE,
    WAITING_FOR_SLOT,
    SENDING
  }

  /**
   * One virtual thread of a cycle: takes lanes until none are left. What it reports goes through
   * its lock, and once the cycle has abandoned it, reports are dropped: a send that returns after
   * its cycle gave up on it is neither marked nor counted, and its rows are sent again.
   */
  private final class Sender implements Runnable {
    private final Queue<Lane> lanes;
    private final CountDownLatch settled;
    Thread thread;
    // guarded by this
    private Phase phase = Phase.IDLE;
    private long since;
    private DestinationRun current;
    private int batchIndex;
    private boolean abandoned;
    private boolean finished;
    private Throwable crash;
    private final List<Long> sent = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();

    Sender(Queue<Lane> lanes, CountDownLatch settled) {
      this.lanes = lanes;
      this.settled = settled;
    }

    @Override
    public void run() {
      try {
        Lane lane;
        while ((lane = lanes.poll()) != null && sendLane(lane)) {
          // next lane
        }
      } catch (RuntimeException | Error e) {
        synchronized (this) {
          if (!abandoned) {
            crash = e; // not a transport failure: the cycle rethrows it and rolls back
          }
        }
      } finally {
        settle();
      }
    }

    /** Sends one lane; false once this sender is abandoned. */
    private boolean sendLane(Lane lane) {
      for (DestinationRun run : lane.runs()) {
        if (!breakers.allow(run.destination())) {
          continue; // its locked rows are released at commit and claimed after the pause
        }
        for (int i = 0; i < run.batches().size(); i++) {
          if (!enter(Phase.WAITING_FOR_SLOT, run, i)) {
            return false;
          }
          try {
            slots.acquire();
          } catch (InterruptedException e) {
            return false; // only an abandon interrupts a sender
          }
          RuntimeException failure = null;
          try {
            if (!enter(Phase.SENDING, run, i)) {
              return false;
            }
            sending.add(run.destination());
            try {
              transmit(run.batches().get(i));
            } finally {
              sending.remove(run.destination());
            }
          } catch (RuntimeException e) {
            failure = e;
          } finally {
            slots.release();
          }
          if (failure != null) {
            if (!failed(failure)) {
              return false;
            }
            break; // the destination's later batches wait for its back-off along with this one
          }
          if (!succeeded()) {
            return false;
          }
          if (breakers.isOpen(run.destination())) {
            break; // a successful probe closes it; anything else waits for the next cycle
          }
        }
      }
      return true;
    }

    private synchronized boolean enter(Phase next, DestinationRun destination, int batch) {
      if (abandoned) {
        return false;
      }
      phase = next;
      since = System.nanoTime();
      current = destination;
      batchIndex = batch;
      return true;
    }

    private synchronized boolean succeeded() {
      if (abandoned) {
        return false;
      }
      phase = Phase.IDLE;
      List<PendingRow> batch = current.batches().get(batchIndex);
      batch.forEach(row -> sent.add(row.id()));
      counters.batchesSent.increment();
      counters.rowsDispatched.add(batch.size());
      breakers.succeeded(current.destination());
      return true;
    }

    /** Records the failed batch with the rest of its destination; false if abandoned. */
    private synchronized boolean failed(RuntimeException error) {
      if (abandoned) {
        return false;
      }
      phase = Phase.IDLE;
      String name = current.destination();
      counters.failed(name);
      failures.add(new Failure(name, rowsFromBatch(), error, breakers.failed(name)));
      return true;
    }

    /** The current batch and every later one of its destination: what a failure sets back. */
    private List<PendingRow> rowsFromBatch() {
      List<PendingRow> rows = new ArrayList<>();
      current.batches().subList(batchIndex, current.batches().size()).forEach(rows::addAll);
      return rows;
    }

    /** Nanoseconds until this sender's current wait exceeds the timeout. */
    synchronized long dueIn(long now, long timeout) {
      if (abandoned || finished || phase == Phase.IDLE) {
        return timeout;
      }
      return since + timeout - now;
    }

    synchronized void abandonIfOverdue(long now, long timeout) {
      if (abandoned || finished || phase == Phase.IDLE || now - since < timeout) {
        return;
      }
      String destination = current.destination();
      if (phase == Phase.SENDING) {
        List<PendingRow> rows = rowsFromBatch();
        // a hang costs every destination of the cycle: pause this one at once
        breakers.trip(destination);
        counters.failed(destination);
        failures.add(
            new Failure(
                destination,
                rows,
                // counted: the message itself may be what hangs the send (a body the destination
                // cannot take in time), and an uncounted failure would retry it for ever
                new TransportException(
                    "the send to "
                        + destination
                        + " did not return within the dispatcher's sendTimeout of "
                        + sendTimeout
                        + "; abandoned, to be sent again"),
                true));
        log.warn(
            "A send of {} rows to {} did not return within {}: abandoned; its rows are retried"
                + " after back-off (a copy that did arrive is absorbed by the receiver's inbox)"
                + " and the destination is paused",
            rows.size(),
            destination,
            sendTimeout);
      } else {
        // every slot is held by sends that do not return: this lane waits for the next cycle
        log.warn(
            "No send slot came free within {} for {}: its rows wait for the next cycle",
            sendTimeout,
            destination);
      }
      abandon();
    }

    synchronized void abandonForStop() {
      if (!abandoned && !finished) {
        abandon();
      }
    }

    private void abandon() {
      abandoned = true;
      phase = Phase.IDLE;
      thread.interrupt(); // lets a transport that honours interrupts give up at once
      settled.countDown();
    }

    private synchronized void settle() {
      if (!abandoned) {
        finished = true;
        settled.countDown();
      }
    }

    synchronized void collect(List<Long> allSent, List<Failure> allFailures) {
      if (crash instanceof Error error) {
        throw error;
      }
      if (crash instanceof RuntimeException e) {
        throw e;
      }
      allSent.addAll(sent);
      allFailures.addAll(failures);
    }
  }
}
