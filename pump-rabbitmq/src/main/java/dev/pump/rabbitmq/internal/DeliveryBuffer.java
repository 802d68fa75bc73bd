package dev.pump.rabbitmq.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The deliveries a {@link QueueConsumer}'s channel pushed and no receive has taken yet, oldest
 * first, stamped with the channel generation they came in.
 *
 * <p>Receivers take under one lock, so several threads receiving from one queue each get distinct
 * deliveries, and a receive decides what it takes (how many, whether the next one is a redelivery)
 * atomically. Thread-safe.
 */
final class DeliveryBuffer {
  /** One delivery, in the generation of the channel it came on. */
  record Delivery(int generation, long deliveryTag, AmqpMessages.Received received, byte[] body) {
    boolean redelivered() {
      return received.deliveryCount() > 1;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Delivery> deliveries = new ArrayDeque<>();
  private volatile int generation;

  /** The current channel generation; deliveries of older ones are worthless. */
  int generation() {
    return generation;
  }

  /** Buffers a delivery of the current generation. */
  void add(long deliveryTag, AmqpMessages.Received received, byte[] body) {
    lock.lock();
    try {
      deliveries.addLast(new Delivery(generation, deliveryTag, received, body));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts a new generation and drops every buffered delivery: the broker has requeued them, so
   * handing them out would duplicate them. Wakes every receive, so one filling a batch notices.
   */
  void newGeneration() {
    lock.lock();
    try {
      generation++;
      deliveries.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes up to {@code max} deliveries: waits up to {@code waitNanos} for the first, takes what
   * else is buffered now, and waits up to {@code fillNanos} in total for more while that is
   * positive. A redelivery is taken only as the first, and then alone; filling stops before one,
   * which stays at the head for a later take.
   *
   * <p>If a new generation starts while filling, what was taken is worthless and the result is
   * empty. On interrupt, what was taken goes back to the head, in order, before the exception.
   *
   * @return the deliveries, oldest first; empty if none came within {@code waitNanos}
   */
  List<Delivery> take(int max, long waitNanos, long fillNanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long remaining = waitNanos;
      while (deliveries.isEmpty()) {
        if (remaining <= 0) {
          return List.of();
        }
        remaining = changed.awaitNanos(remaining);
      }
      Delivery first = deliveries.pollFirst();
      List<Delivery> taken = new ArrayList<>(Math.min(max, deliveries.size() + 1));
      taken.add(first);
      if (first.redelivered()) {
        return taken;
      }
      return fill(taken, max, fillNanos);
    } finally {
      lock.unlock();
    }
  }

  // called under the lock with the first delivery taken
  private List<Delivery> fill(List<Delivery> taken, int max, long fillNanos)
      throws InterruptedException {
    int ofGeneration = taken.get(0).generation();
    long deadline = System.nanoTime() + fillNanos;
    while (true) {
      if (ofGeneration != generation) {
        return List.of(); // the channel closed under us: the broker has requeued them
      }
      while (taken.size() < max && !deliveries.isEmpty()) {
        if (deliveries.peekFirst().redelivered()) {
          return taken; // it comes alone, in a take of its own
        }
        taken.add(deliveries.pollFirst());
      }
      long remaining = deadline - System.nanoTime();
      if (taken.size() == max || remaining <= 0) {
        return taken;
      }
      try {
        changed.awaitNanos(remaining);
      } catch (InterruptedException e) {
        if (ofGeneration == generation) {
          for (int i = taken.size() - 1; i >= 0; i--) {
            deliveries.addFirst(taken.get(i)); // nothing lost: the next take gets them first
          }
        }
        throw e;
      }
    }
  }
}
