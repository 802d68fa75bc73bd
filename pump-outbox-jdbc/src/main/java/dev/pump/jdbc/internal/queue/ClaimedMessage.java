package dev.pump.jdbc.internal.queue;

import dev.pump.core.Attributes;
import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.sql.HeadersJson;
import dev.pump.jdbc.internal.uow.UnitOfWork;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message claimed from the queue table in a unit of work that stays open until it is settled,
 * alone or with the rest of its {@link ClaimedBatch}: complete keeps the row's delete and whatever
 * the handler wrote, abandon undoes its attempts and puts the row back, a move writes its copy; the
 * settle of the batch's last message commits. When that cannot be done, the batch rolls back and
 * the row is hidden for the delay in a transaction of its own. The unit reaches the storage's links
 * through the context, under the runtime's own key.
 */
public final class ClaimedMessage implements ReceivedMessage {
  private static final Logger log = LoggerFactory.getLogger(Loggers.TRANSPORT);

  /** Header carrying stored headers that could not be read, so nothing of the message is lost. */
  public static final String UNREADABLE_HEADERS = "pump.unreadable-headers";

  private final QueueRow row;
  private final ClaimedBatch batch;
  private final StorageRuntime runtime;
  private final QueueSender sender;
  private final Map<String, String> headers;
  private final String headersProblem;
  private final AtomicBoolean settled = new AtomicBoolean();
  private volatile int attemptsBefore = -1; // the unit's attempts before this message's first

  ClaimedMessage(QueueRow row, ClaimedBatch batch, StorageRuntime runtime, QueueSender sender) {
    this.row = row;
    this.batch = batch;
    this.runtime = runtime;
    this.sender = sender;
    Map<String, String> parsed;
    String problem;
    try {
      parsed = Map.copyOf(HeadersJson.read(row.headersJson()));
      problem = null;
    } catch (IllegalArgumentException e) {
      parsed = Map.of(UNREADABLE_HEADERS, row.headersJson());
      problem = e.getMessage();
    }
    this.headers = parsed;
    this.headersProblem = problem;
  }

  @Override
  public String messageId() {
    return row.messageId();
  }

  @Override
  public String queue() {
    return row.queue();
  }

  @Override
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public byte[] body() {
    return row.body();
  }

  @Override
  public int deliveryCount() {
    return row.attempts(); // counted, and committed, when the message was received
  }

  /** The database backend holding the claim, so tests can cut it as a crash would. */
  public int backendPid() {
    return batch.unit().handle().createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one();
  }

  /**
   * Puts the claim's unit of work into the context, under the key of the storage whose transport
   * claimed it, where that storage's unit-of-work link finds it. A row whose headers cannot be read
   * fails here, unrecoverably, so it goes to the error queue with the reason and its raw headers.
   */
  @Override
  public void contributeAttributes(Attributes attributes) {
    if (headersProblem != null) {
      throw new UnrecoverableMessageException(
          "message "
              + row.messageId()
              + " in queue "
              + row.queue()
              + " has unreadable headers: "
              + headersProblem);
    }
    UnitOfWork unit = batch.unit();
    if (attemptsBefore < 0) {
      attemptsBefore = batch.started(this);
    }
    attributes.put(runtime.claims(), unit);
  }

  @Override
  public void complete() {
    settle();
    if (!batch.settle(this, "completing message " + row.messageId() + " in " + row.queue(), null)) {
      throw new TransportException(
          "message "
              + row.messageId()
              + " in "
              + row.queue()
              + " was not completed: its batch was rolled back, and it is back in its queue");
    }
  }

  @Override
  public boolean completeAndSend(String queue, OutgoingMessage copy) {
    settle();
    long began = System.nanoTime();
    String what = "moving message " + row.messageId() + " from " + row.queue() + " to " + queue;
    boolean kept;
    try {
      kept =
          batch.settle(
              this,
              what,
              unit -> {
                Names.require("queue", queue);
                sender.checkSizes(queue, List.of(copy));
                QueueStore.Sent sent = runtime.queues().send(unit.handle(), queue, List.of(copy));
                unit.afterCommitOnConnection(handle -> {
                  sender.restampIfLate(handle, began, sent);
                  runtime.queued(queue);
                });
              });
    } catch (TransportException e) {
      hideFor(Duration.ZERO);
      throw e;
    }
    if (!kept) {
      throw new TransportException(
          what + " failed: its batch was rolled back, and the message is back in its queue");
    }
    return true;
  }

  @Override
  public void abandon(Duration visibilityDelay) {
    settle();
    if (attemptsBefore >= 0 && !batch.isLatest(this)) {
      // another message of the batch wrote since this one began: its writes cannot be undone
      // alone (a message that never began has nothing to undo)
      batch.doom();
    }
    try {
      // the attempt's writes are undone to its savepoint (a cancelled attempt may have returned
      // normally); the claim's delete stays, and a copy with its delivery count goes back,
      // invisible for the delay: one atomic commit
      batch.settle(
          this,
          "giving back message " + row.messageId(),
          unit -> {
            if (attemptsBefore >= 0) {
              unit.undoAttemptsFrom(attemptsBefore + 1);
            }
            runtime.queues().requeue(unit.handle(), row, visibilityDelay);
            unit.afterCommit(() -> runtime.queued(row.queue()));
          });
    } catch (TransportException e) {
      // the transaction is broken (connection lost, aborted without a savepoint): it rolled
      // back, which puts the row back with its count; hide it for the delay separately
      hideFor(visibilityDelay);
    }
  }

  private void settle() {
    if (!settled.compareAndSet(false, true)) {
      throw new IllegalStateException("message " + row.messageId() + " was settled already");
    }
  }

  /** Hides the row for the delay; it is back in its queue, with its count, either way. */
  private void hideFor(Duration visibilityDelay) {
    try {
      boolean hidden =
          runtime.jdbi().withHandle(h -> runtime.queues().hideFor(h, row, visibilityDelay));
      if (!hidden) {
        log.debug(
            "message {} in {} was not hidden for {}: another receiver took it once its lease ran"
                + " out",
            row.messageId(),
            row.queue(),
            visibilityDelay);
      }
    } catch (RuntimeException e) {
      log.warn(
          "could not count the failed attempt of message {} in {}; it is back in its queue",
          row.messageId(),
          row.queue(),
          e);
    }
  }
}
