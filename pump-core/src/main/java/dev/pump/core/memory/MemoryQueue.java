package dev.pump.core.memory;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.QueueBrowser;
import dev.pump.core.spi.TransportException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One in-memory queue: ready messages in send order, delayed ones by due time, and leased ones
 * until they are settled or their lease expires. One lock per queue keeps it simple and correct.
 */
final class MemoryQueue {
  /**
   * Time is read from an injectable clock that a test may move at will, so a waiting receiver
   * cannot compute how long to sleep in real time; while anything is delayed or leased it wakes at
   * least this often to look at the clock again.
   */
  private static final long CLOCK_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final String name;
  private final Clock clock;
  private final Duration leaseTimeout;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final PriorityQueue<Envelope> ready =
      new PriorityQueue<>(Comparator.comparingLong(e -> e.sequence));
  private final PriorityQueue<Envelope> delayed =
      new PriorityQueue<>(
          Comparator.<Envelope, Instant>comparing(e -> e.visibleAt)
              .thenComparingLong(e -> e.sequence));
  private final Map<Long, Envelope> leased = new HashMap<>();
  private long nextSequence;
  private long nextLease;
  private boolean closed;

  MemoryQueue(String name, Clock clock, Duration leaseTimeout) {
    this.name = name;
    this.clock = clock;
    this.leaseTimeout = leaseTimeout;
  }

  void enqueue(OutgoingMessage message) {
    lock.lock();
    try {
      Envelope envelope = new Envelope(nextSequence++, message, clock.instant());
      if (message.delay().isZero()) {
        ready.add(envelope);
      } else {
        envelope.visibleAt = clock.instant().plus(message.delay());
        delayed.add(envelope);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  Delivery take(InMemoryTransport transport, Duration maxWait) throws InterruptedException {
    List<Delivery> taken = take(transport, 1, maxWait, Duration.ZERO);
    return taken.isEmpty() ? null : taken.getFirst();
  }

  /**
   * Takes up to {@code max} ready messages: waits up to {@code maxWait} for the first, then takes
   * what else is ready, waiting up to {@code fillWait} more for the rest. A message delivered
   * before comes alone: taking stops in front of it, and it is taken by itself on the next call.
   */
  List<Delivery> take(InMemoryTransport transport, int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    List<Delivery> taken = new ArrayList<>();
    long now = System.nanoTime();
    long firstDeadline = now + maxWait.toNanos();
    long fillDeadline = 0;
    lock.lockInterruptibly();
    try {
      while (true) {
        if (closed) {
          throw new TransportException(
              "in-memory transport is closed; cannot receive from " + name);
        }
        promoteDue();
        while (taken.size() < max && !ready.isEmpty()) {
          boolean redelivery = ready.peek().deliveryCount > 0;
          if (redelivery && !taken.isEmpty()) {
            return taken;
          }
          taken.add(lease(transport, ready.poll()));
          if (redelivery) {
            return taken;
          }
        }
        if (taken.size() == max) {
          return taken;
        }
        if (!taken.isEmpty() && fillDeadline == 0) {
          fillDeadline = System.nanoTime() + fillWait.toNanos();
        }
        long remaining = (taken.isEmpty() ? firstDeadline : fillDeadline) - System.nanoTime();
        if (remaining <= 0) {
          return taken;
        }
        changed.awaitNanos(
            delayed.isEmpty() && leased.isEmpty()
                ? remaining
                : Math.min(remaining, CLOCK_CHECK_NANOS));
      }
    } finally {
      lock.unlock();
    }
  }

  // Caller holds the lock.
  private Delivery lease(InMemoryTransport transport, Envelope next) {
    next.deliveryCount++;
    long lease = nextLease++;
    next.lease = lease;
    next.leaseUntil = clock.instant().plus(leaseTimeout);
    leased.put(lease, next);
    return new Delivery(transport, this, next, lease);
  }

  void complete(long lease) {
    lock.lock();
    try {
      leased.remove(lease);
    } finally {
      lock.unlock();
    }
  }

  void abandon(long lease, Duration visibilityDelay) {
    lock.lock();
    try {
      Envelope envelope = leased.remove(lease);
      if (envelope == null) {
        return; // the lease expired and the message was already given back
      }
      if (visibilityDelay.isZero() || visibilityDelay.isNegative()) {
        ready.add(envelope);
      } else {
        envelope.visibleAt = clock.instant().plus(visibilityDelay);
        delayed.add(envelope);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Shows the ready messages to {@code visitor} in send order, under the queue's lock, and removes
   * those it takes. Messages in flight or delayed are not shown. A browse is not a delivery: the
   * count shown is the deliveries so far plus this one, and it is not kept.
   */
  int browse(int max, QueueBrowser.Visitor visitor) {
    lock.lock();
    try {
      promoteDue();
      List<Envelope> inOrder = new ArrayList<>(ready);
      inOrder.sort(Comparator.comparingLong(e -> e.sequence));
      int shown = 0;
      for (Envelope envelope : inOrder) {
        if (shown == max) {
          break;
        }
        shown++;
        QueueBrowser.Decision decision =
            visitor.visit(
                new QueueBrowser.BrowsedMessage(
                    shown,
                    envelope.message.messageId(),
                    envelope.message.headers(),
                    envelope.message.body(),
                    envelope.enqueuedAt,
                    envelope.deliveryCount + 1));
        if (decision == QueueBrowser.Decision.TAKE) {
          ready.remove(envelope);
        } else if (decision == QueueBrowser.Decision.STOP) {
          break;
        }
      }
      return shown;
    } finally {
      lock.unlock();
    }
  }

  InMemoryTransport.QueueStats stats() {
    lock.lock();
    try {
      promoteDue();
      return new InMemoryTransport.QueueStats(ready.size(), delayed.size(), leased.size());
    } finally {
      lock.unlock();
    }
  }

  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  String name() {
    return name;
  }

  // Caller holds the lock.
  private void promoteDue() {
    Instant now = clock.instant();
    while (!delayed.isEmpty() && !delayed.peek().visibleAt.isAfter(now)) {
      ready.add(delayed.poll());
    }
    for (Iterator<Envelope> it = leased.values().iterator(); it.hasNext(); ) {
      Envelope envelope = it.next();
      if (!envelope.leaseUntil.isAfter(now)) {
        it.remove(); // an unacknowledged message comes back, as if its consumer had crashed
        ready.add(envelope);
      }
    }
  }

  /** A message in the queue, with its bookkeeping. Guarded by the queue's lock. */
  static final class Envelope {
    final long sequence;
    final OutgoingMessage message;
    final Instant enqueuedAt;
    Instant visibleAt;
    Instant leaseUntil;
    long lease;
    int deliveryCount;

    Envelope(long sequence, OutgoingMessage message, Instant enqueuedAt) {
      this.sequence = sequence;
      this.message = message;
      this.enqueuedAt = enqueuedAt;
    }
  }
}
