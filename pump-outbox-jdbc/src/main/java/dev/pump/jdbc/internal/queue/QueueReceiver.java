package dev.pump.jdbc.internal.queue;

import dev.pump.core.internal.shared.Names;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.sql.ScanStarts;
import dev.pump.jdbc.internal.uow.UnitOfWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The PostgreSQL queue's receive: count the delivery of the next visible messages, up to the number
 * asked for (auto-commit, with a lease, one statement), then claim them in one unit of work (one
 * statement) that stays open while they are handled, so the claims, the handlers' writes, the inbox
 * and the outbox commit together ({@link ClaimedBatch}). Idle receivers wait on their queue's
 * {@link Signal}, at most one poll interval at a time. Thread-safe.
 */
public final class QueueReceiver {
  private final StorageRuntime runtime;
  private final QueueStore queues;
  private final QueueSender sender;
  private final ScanStarts scanStarts = new ScanStarts();
  private final Duration pollInterval;
  private final Duration deliveryLease;

  /** Creates the receiver; {@code sender} moves messages for {@code completeAndSend}. */
  public QueueReceiver(
      StorageRuntime runtime, QueueSender sender, Duration pollInterval, Duration deliveryLease) {
    this.runtime = runtime;
    this.queues = runtime.queues();
    this.sender = sender;
    this.pollInterval = pollInterval;
    this.deliveryLease = deliveryLease;
  }

  /** Takes the next visible message of {@code queue}, waiting up to {@code maxWait}. */
  public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
      throws InterruptedException {
    return receive(queue, 1, maxWait, Duration.ZERO).stream().findFirst();
  }

  /**
   * Takes up to {@code max} visible messages of {@code queue}, waiting up to {@code maxWait} for
   * one; with a positive {@code fillWait}, once some are visible it waits up to that long for
   * {@code max} to be, before it claims them (nothing is held meanwhile).
   */
  public List<ReceivedMessage> receive(String queue, int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    Names.require("queue", queue);
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, was " + max);
    }
    Wakeups wakeups = runtime.queueWakeups();
    long deadline = System.nanoTime() + maxWait.toNanos();
    long fillDeadline = 0;
    while (true) {
      long seen = wakeups.generation(queue);
      if (max > 1 && fillWait.isPositive()) {
        int visible = visible(queue, max);
        if (visible > 0 && visible < max) {
          if (fillDeadline == 0) {
            fillDeadline = System.nanoTime() + fillWait.toNanos();
          }
          long filling = fillDeadline - System.nanoTime();
          if (filling > 0) {
            wakeups.await(queue, seen, Duration.ofNanos(Math.min(filling, pollInterval.toNanos())));
            continue;
          }
        }
      }
      List<ReceivedMessage> claimed = claim(queue, max);
      if (!claimed.isEmpty()) {
        return claimed;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return List.of();
      }
      Duration wait = Duration.ofNanos(Math.min(remaining, pollInterval.toNanos()));
      wakeups.await(queue, seen, wait);
    }
  }

  private int visible(String queue, int max) {
    try {
      return runtime.jdbi().withHandle(handle -> queues.visible(handle, queue, max));
    } catch (RuntimeException e) {
      throw new TransportUnavailableException(
          "cannot connect to PostgreSQL to receive from " + queue, e);
    }
  }

  private List<ReceivedMessage> claim(String queue, int max) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("receive from " + queue + " interrupted");
    }
    Handle handle;
    try {
      handle = runtime.jdbi().open();
    } catch (RuntimeException e) {
      throw new TransportUnavailableException(
          "cannot connect to PostgreSQL to receive from " + queue, e);
    }
    try {
      ScanStarts.Scan scan = scanStarts.next(queue);
      List<QueueStore.Counted> counted =
          queues.countDeliveries(handle, queue, max, deliveryLease, scan.from());
      if (counted.isEmpty()) {
        scanStarts.foundNothing(queue, scan);
        handle.close();
        return List.of();
      }
      scanStarts.found(queue, scan, counted.getFirst().visibleAt(), counted.getLast().visibleAt());
      UnitOfWork unit = UnitOfWork.onConnection(handle, runtime.isolation());
      List<QueueRow> rows = queues.claimAll(unit.handle(), queue, counted);
      if (rows.isEmpty()) {
        unit.rollback(); // taken by other receivers after the lease: not ours
        unit.close();
        return List.of();
      }
      ClaimedBatch batch = new ClaimedBatch(unit, rows.size());
      List<ReceivedMessage> claimed = new ArrayList<>(rows.size());
      for (QueueRow row : rows) {
        claimed.add(new ClaimedMessage(row, batch, runtime, sender));
      }
      return List.copyOf(claimed);
    } catch (RuntimeException e) {
      closeQuietly(handle);
      throw new TransportException("receive from " + queue + " failed: " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(Handle handle) {
    try {
      handle.close();
    } catch (RuntimeException ignored) {
      // the connection is broken already; the pool discards it
    }
  }
}
