package dev.pump.jdbc.internal.queue;

import dev.pump.core.internal.shared.Names;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.sql.ScanStarts;
import dev.pump.jdbc.internal.uow.UnitOfWork;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The PostgreSQL queue's receive: count the delivery of the next visible message (auto-commit, with
 * a lease), then claim it in a unit of work that stays open while the message is handled, so the
 * claim, the handler's writes, the inbox and the outbox commit together. Idle receivers wait on
 * their queue's {@link Signal}, at most one poll interval at a time. Thread-safe.
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
    Names.require("queue", queue);
    Wakeups wakeups = runtime.queueWakeups();
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (true) {
      long seen = wakeups.generation(queue);
      Optional<ReceivedMessage> claimed = claim(queue);
      if (claimed.isPresent()) {
        return claimed;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return Optional.empty();
      }
      Duration wait = Duration.ofNanos(Math.min(remaining, pollInterval.toNanos()));
      wakeups.await(queue, seen, wait);
    }
  }

  private Optional<ReceivedMessage> claim(String queue) throws InterruptedException {
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
      Optional<QueueStore.Counted> counted =
          queues.countDelivery(handle, queue, deliveryLease, scan.from());
      if (counted.isEmpty()) {
        scanStarts.foundNothing(queue, scan);
        handle.close();
        return Optional.empty();
      }
      OffsetDateTime visibleAt = counted.get().visibleAt();
      scanStarts.found(queue, scan, visibleAt, visibleAt);
      UnitOfWork unit = UnitOfWork.onConnection(handle, runtime.isolation());
      Optional<QueueRow> row = queues.claim(unit.handle(), queue, counted.get());
      if (row.isEmpty()) {
        unit.rollback(); // taken by another receiver after the lease: not ours
        unit.close();
        return Optional.empty();
      }
      return Optional.of(new ClaimedMessage(row.get(), unit, runtime, sender));
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
