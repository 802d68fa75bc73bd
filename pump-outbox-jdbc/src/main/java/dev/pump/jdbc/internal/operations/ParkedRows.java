package dev.pump.jdbc.internal.operations;

import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.PumpOperations;
import dev.pump.jdbc.internal.StorageRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outbox rows the dispatcher parked, as an {@link ErrorQueue}: the destination is the failed
 * queue, {@value #REASON} the reason, the last error the exception message. A retry re-queues the
 * rows (due now, attempts from zero, the last error kept) and wakes dispatchers. Thread-safe.
 */
public final class ParkedRows implements ErrorQueue {
  /** The reason a parked row shows: {@value}. */
  public static final String REASON = "parked";

  private final StorageRuntime runtime;
  private final FailedRowStore rows;

  /** The parked rows of {@code runtime}'s outbox. */
  public ParkedRows(StorageRuntime runtime, FailedRowStore rows) {
    this.runtime = runtime;
    this.rows = rows;
  }

  @Override
  public String name() {
    return PumpOperations.PARKED;
  }

  @Override
  public Page list(Filter filter) {
    List<FailedRowStore.Row> found =
        runtime.jdbi().withHandle(h -> rows.listParked(h, filter, null, filter.limit() + 1));
    List<Message> messages = found.stream().limit(filter.limit()).map(this::message).toList();
    return new Page(messages, found.size() > filter.limit() ? messages.getLast().cursor() : null);
  }

  @Override
  public Optional<Message> show(String messageId) {
    Inputs.messageId(messageId);
    return runtime.jdbi().withHandle(h -> rows.listParked(h, Filter.all(), messageId, 1)).stream()
        .findFirst()
        .map(this::message);
  }

  @Override
  public List<Outcome> retry(List<String> messageIds) {
    List<String> ids = Inputs.messageIds(messageIds);
    List<String> requeued = runtime.jdbi().inTransaction(h -> rows.requeueParked(h, ids));
    if (!requeued.isEmpty()) {
      runtime.outboxCommitted();
    }
    Map<String, Integer> copies = new HashMap<>();
    requeued.forEach(id -> copies.merge(id, 1, Integer::sum));
    List<Outcome> outcomes = new ArrayList<>();
    for (String id : ids) {
      int n = copies.getOrDefault(id, 0);
      outcomes.add(
          n == 0
              ? new Outcome(id, Result.NOT_FOUND, 0, "no parked outbox row has this message id")
              : new Outcome(id, Result.RETRIED, n, null));
    }
    return outcomes;
  }

  @Override
  public List<Outcome> retry(Filter filter) {
    List<String> ids = SqlErrorQueue.idsOf(list(filter));
    return ids.isEmpty() ? List.of() : retry(ids);
  }

  @Override
  public int retryAll() {
    int count =
        runtime.jdbi().withHandle(h -> runtime.outbox().requeueParked(h, true, new long[0], null));
    runtime.outboxCommitted();
    return count;
  }

  @Override
  public List<Outcome> discard(List<String> messageIds, String discardedBy) {
    List<String> ids = Inputs.messageIds(messageIds);
    String by = Inputs.operator(discardedBy);
    return runtime
        .jdbi()
        .inTransaction(h -> {
          List<Outcome> outcomes = new ArrayList<>();
          for (String id : ids) {
            int n = 0;
            for (FailedRowStore.Row row : rows.listParked(h, Filter.all(), id, MAX_LIMIT)) {
              n += runtime.discards().discardParked(h, row.id(), by) ? 1 : 0;
            }
            outcomes.add(
                n == 0
                    ? new Outcome(
                        id, Result.NOT_FOUND, 0, "no parked outbox row has this message id")
                    : new Outcome(id, Result.DISCARDED, n, null));
          }
          return outcomes;
        });
  }

  @Override
  public List<Outcome> discard(Filter filter, String discardedBy) {
    Inputs.operator(discardedBy);
    List<String> ids = SqlErrorQueue.idsOf(list(filter));
    return ids.isEmpty() ? List.of() : discard(ids, discardedBy);
  }

  private Message message(FailedRowStore.Row row) {
    Map<String, String> headers = Previews.headers(row.headersJson());
    Message m =
        Previews.failed(
            PumpOperations.PARKED,
            Long.toString(row.id()),
            row.messageId(),
            headers,
            row.preview(),
            row.size(),
            row.at(),
            row.attempts());
    return new Message(
        m.errorQueue(),
        m.cursor(),
        m.messageId(),
        row.destination(),
        REASON,
        null,
        row.lastError(),
        null,
        row.at(),
        row.attempts(),
        headers,
        m.bodyPreview(),
        m.bodyIsText(),
        m.bodyBytes());
  }
}
