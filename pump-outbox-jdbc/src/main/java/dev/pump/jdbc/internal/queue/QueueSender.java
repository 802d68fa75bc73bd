package dev.pump.jdbc.internal.queue;

import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.internal.shared.MessageSizes;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.sql.ScanStarts;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends and publishes to PostgreSQL queues, each batch in one statement and a transaction of its
 * own, and wakes the receivers after commit. Thread-safe.
 */
public final class QueueSender {
  /** A send whose commit took longer than this after its insert is stamped again: 125 ms. */
  static final Duration LATE_COMMIT = ScanStarts.OVERLAP.dividedBy(2);

  private static final Logger log = LoggerFactory.getLogger(Loggers.TRANSPORT);

  private final StorageRuntime runtime;
  private final QueueStore queues;
  private final long maxMessageBytes;

  /** Creates the sender; bodies over {@code maxMessageBytes} are refused. */
  public QueueSender(StorageRuntime runtime, long maxMessageBytes) {
    this.runtime = runtime;
    this.queues = runtime.queues();
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Inserts {@code batch} into {@code queue}; see the transport SPI. */
  public void send(String queue, List<OutgoingMessage> batch) {
    Names.require("queue", queue);
    checkSizes(queue, batch);
    String operation = "send of " + batch.size() + " messages to " + queue;
    try (Handle handle = connect(operation)) {
      long began = System.nanoTime();
      QueueStore.Sent sent = handle.inTransaction(h -> queues.send(h, queue, batch));
      restampIfLate(handle, began, sent);
    } catch (TransportException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TransportException(operation + " failed: " + e.getMessage(), e);
    }
    runtime.queued(queue);
  }

  /** Inserts {@code batch} once into every queue subscribed to any of {@code topics}. */
  public void publish(List<String> topics, List<OutgoingMessage> batch) {
    topics.forEach(topic -> Names.require("topic", topic));
    checkSizes(topics.getFirst(), batch);
    List<String> subscribers;
    String operation = "publish of " + batch.size() + " messages to " + topics;
    try (Handle handle = connect(operation)) {
      long began = System.nanoTime();
      QueueStore.Sent sent = handle.inTransaction(h -> queues.publish(h, topics, batch));
      restampIfLate(handle, began, sent);
      subscribers = sent.distinctQueues();
    } catch (TransportException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TransportException(operation + " failed: " + e.getMessage(), e);
    }
    subscribers.forEach(runtime::queued);
  }

  /**
   * After a send committed: if the commit came more than half the receives' look-back after the
   * insert stamped its rows (a slow flush, a stalled connection), receives may already look beyond
   * them, and a later send of the same sender could be received first; stamped again now, before
   * the sender goes on, they are back in order. Committed already, so a failure here is logged, not
   * thrown: the rows are there, and a scan from the head (every second) finds them. Runs on {@code
   * handle}, the send's own connection, out of its transaction: borrowing a second connection while
   * holding one could wait on a pool that senders like this one hold entirely.
   */
  void restampIfLate(Handle handle, long beganNanos, QueueStore.Sent sent) {
    if (System.nanoTime() - beganNanos <= LATE_COMMIT.toNanos()) {
      return;
    }
    try {
      queues.restamp(handle, sent);
    } catch (RuntimeException e) {
      log.warn("could not stamp again {} rows whose send committed late", sent.ids().length, e);
    }
  }

  /** Refuses a batch holding a body larger than the transport takes. */
  void checkSizes(String destination, List<OutgoingMessage> batch) {
    MessageSizes.check(destination, batch, maxMessageBytes);
  }

  /**
   * A pooled connection for {@code operation}. Not getting one (the pool exhausted or the database
   * unreachable) is the transport's unavailability, not the messages' fault; a failure once
   * connected may be theirs (a statement the server refuses, a body that breaks the connection), so
   * it is an ordinary {@link TransportException}.
   */
  Handle connect(String operation) {
    try {
      return runtime.jdbi().open();
    } catch (RuntimeException e) {
      throw new TransportUnavailableException(
          operation + " failed: cannot connect to PostgreSQL: " + e.getMessage(), e);
    }
  }
}
