package dev.pump.jdbc.internal.queue;

import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.spi.TransportException;
import dev.pump.jdbc.internal.uow.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages one receive claimed in one unit of work, and the unit's one way out: each message's
 * settle writes into the unit (a complete nothing, a move its copy, an abandon its row back), and
 * the settle of the last message commits it, and with it the handlers' writes, the inbox and the
 * outbox of every message. The pump settles the messages of a batch one after another, in order,
 * each after its own attempts: a message's writes are undone alone only while no other message has
 * written since (begun its attempts, or settled with a write: its copy, or its row put back, sits
 * behind the same savepoints); one given back after that (stop cancelled the batch) dooms the
 * batch, which then rolls back whole, every message back in its queue with its delivery count. A
 * write or commit that fails rolls the batch back the same way. Thread-safe.
 */
final class ClaimedBatch {
  private static final Logger log = LoggerFactory.getLogger(Loggers.TRANSPORT);

  /** One message's settle: its writes in the unit. */
  interface Write {
    void run(UnitOfWork unit);
  }

  private final UnitOfWork unit;
  private int unsettled;
  private boolean doomed;
  private boolean over;
  private ClaimedMessage latest; // the message that wrote in the unit last

  ClaimedBatch(UnitOfWork unit, int size) {
    this.unit = unit;
    this.unsettled = size;
  }

  /** The unit, for the message that runs now. */
  synchronized UnitOfWork unit() {
    if (over) {
      throw new TransportException(
          "the transaction of this message's batch is over: a message settled earlier ended it");
    }
    return unit;
  }

  /** {@code message} begins its attempts; returns the number of the unit's last attempt so far. */
  synchronized int started(ClaimedMessage message) {
    latest = message;
    return unit.attemptsBegun();
  }

  /** Whether no other message of the batch wrote in the unit after {@code message} did. */
  synchronized boolean isLatest(ClaimedMessage message) {
    return latest == null || latest == message;
  }

  /** From now on the batch rolls back whole once its last message is settled. */
  synchronized void doom() {
    doomed = true;
  }

  /**
   * Settles one message: runs its {@code write} in the unit, then, if it was the last, commits (or,
   * for a doomed batch, rolls back).
   *
   * @return whether the batch's transaction committed or is still open: false if it rolled back,
   *     now or earlier (its messages are back in their queues), and {@code write} did not run
   * @throws TransportException if the write or the commit failed: the batch is rolled back
   */
  synchronized boolean settle(ClaimedMessage message, String what, Write write) {
    if (over) {
      return false;
    }
    if (write != null) {
      latest = message;
    }
    unsettled--;
    try {
      if (doomed) {
        if (unsettled > 0) {
          return false;
        }
        over = true;
        unit.rollback();
        return false;
      }
      if (write != null) {
        write.run(unit);
      }
      if (unsettled > 0) {
        return true;
      }
      over = true;
      unit.commit();
      return true;
    } catch (RuntimeException e) {
      over = true;
      rollbackQuietly();
      throw new TransportException(what + " failed", e);
    } finally {
      if (over) {
        unit.close();
      }
    }
  }

  private void rollbackQuietly() {
    try {
      unit.rollback();
    } catch (RuntimeException e) {
      log.debug("rollback of a batch failed; the connection is gone", e);
    }
  }
}
