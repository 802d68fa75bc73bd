package dev.pump.core.internal.pump;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets a redelivered message run alone in its process. Every receive and every message in flight
 * holds the gate shared; a redelivered message holds it exclusively, which waits until nothing else
 * holds it and stops new receives (of every endpoint in the process) from starting meanwhile.
 *
 * <p>A redelivered message was last seen where something died, and a process dies as a whole: if
 * this message is what kills it, the messages of other endpoints running beside it would be counted
 * as delivered again too, and pushed towards {@code maxDeliveries} with it. One gate per process,
 * for that reason. Holds are not tied to threads: the receiver takes a shared hold before it
 * receives and the message thread gives it back. Waiting exclusive holds go first, so a stream of
 * ordinary messages cannot starve a redelivered one; both the wait and the hold are bounded, so a
 * handler that hangs delays the process instead of stopping it. Thread-safe.
 */
final class RedeliveryGate {
  /** The process's gate, shared by every pump. */
  static final RedeliveryGate PROCESS = new RedeliveryGate();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private int shared; // guarded by lock
  private int exclusiveWaiting; // guarded by lock
  private boolean exclusive; // guarded by lock
  private long exclusiveUntil; // System.nanoTime() after which the exclusive hold stops others

  /**
   * Takes a shared hold, waiting while a redelivered message runs (for as long as its hold lasts)
   * or waits to.
   */
  void enterShared() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (true) {
        long holdLeft = exclusive ? exclusiveUntil - System.nanoTime() : 0;
        if (holdLeft <= 0 && exclusiveWaiting == 0) {
          break;
        }
        if (holdLeft > 0) {
          changed.awaitNanos(holdLeft);
        } else {
          changed.await();
        }
      }
      shared++;
    } finally {
      lock.unlock();
    }
  }

  /** Gives a shared hold back. */
  void exitShared() {
    lock.lock();
    try {
      shared--;
      if (shared == 0 && exclusiveWaiting > 0) {
        changed.signalAll(); // only an exclusive waiter waits for the last shared hold
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the exclusive hold once every shared hold is given back, waiting at most {@code maxWait};
   * the hold keeps others out for at most {@code maxHold}, after which they may run beside it (a
   * handler that hangs, waiting or holding, must not stop the whole process).
   *
   * @return whether it was taken
   */
  boolean enterExclusive(Duration maxWait, Duration maxHold) throws InterruptedException {
    long left = maxWait.toNanos();
    lock.lockInterruptibly();
    try {
      exclusiveWaiting++;
      try {
        while (exclusive || shared > 0) {
          if (left <= 0) {
            return false;
          }
          left = changed.awaitNanos(left);
        }
      } finally {
        exclusiveWaiting--;
        changed.signalAll();
      }
      exclusive = true;
      exclusiveUntil = System.nanoTime() + maxHold.toNanos();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Gives the exclusive hold back. */
  void exitExclusive() {
    lock.lock();
    try {
      exclusive = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Messages in flight and receives under way, for the log. */
  int shared() {
    lock.lock();
    try {
      return shared;
    } finally {
      lock.unlock();
    }
  }
}
