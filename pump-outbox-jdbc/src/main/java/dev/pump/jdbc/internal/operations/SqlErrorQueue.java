package dev.pump.jdbc.internal.operations;

import dev.pump.core.Headers;
import dev.pump.core.internal.shared.FailureHeaders;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.queue.QueueStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PostgreSQL error queue: listed by SQL, retried and discarded in one transaction per call
 * (retried messages are inserted into the queues they failed in as in the same transaction as their
 * delete, so none is lost or doubled). Thread-safe.
 */
public final class SqlErrorQueue implements ErrorQueue {
  private final StorageRuntime runtime;
  private final FailedRowStore rows;
  private final String queue;

  /** The error queue {@code queue} of {@code runtime}'s database. */
  public SqlErrorQueue(StorageRuntime runtime, FailedRowStore rows, String queue) {
    this.runtime = runtime;
    this.rows = rows;
    this.queue = Names.require("errorQueue", queue);
  }

  @Override
  public String name() {
    return queue;
  }

  @Override
  public Page list(Filter filter) {
    List<FailedRowStore.Row> found =
        runtime.jdbi().withHandle(h -> rows.listQueue(h, queue, filter, null, filter.limit() + 1));
    return page(found, filter.limit());
  }

  @Override
  public Optional<Message> show(String messageId) {
    Inputs.messageId(messageId);
    return runtime
        .jdbi()
        .withHandle(h -> rows.listQueue(h, queue, Filter.all(), messageId, 1))
        .stream()
        .findFirst()
        .map(this::message);
  }

  @Override
  public List<Outcome> retry(List<String> messageIds) {
    List<String> ids = Inputs.messageIds(messageIds);
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    List<QueueStore.Sent> sent = new ArrayList<>();
    runtime
        .jdbi()
        .useTransaction(h -> {
          Map<String, List<FailedRowStore.Locked>> byId = new LinkedHashMap<>();
          for (FailedRowStore.Locked row : rows.lockQueue(h, queue, ids)) {
            byId.computeIfAbsent(row.messageId(), k -> new ArrayList<>()).add(row);
          }
          List<Long> take = new ArrayList<>();
          for (String id : ids) {
            List<FailedRowStore.Locked> copies = byId.getOrDefault(id, List.of());
            String bad =
                copies.stream()
                    .map(FailedRowStore.Locked::origin)
                    .filter(origin -> !Names.isValid(origin))
                    .findFirst()
                    .orElse(null);
            if (copies.isEmpty()) {
              outcomes.put(id, new Outcome(id, Result.NOT_FOUND, 0, "not in " + queue));
            } else if (bad != null || copies.stream().anyMatch(c -> c.origin() == null)) {
              outcomes.put(
                  id,
                  new Outcome(
                      id,
                      Result.FAILED,
                      0,
                      "its header pump.failure.queue does not name a valid queue, so there is no"
                          + " queue to send it back to; discard it, or send it on yourself"));
            } else {
              copies.forEach(c -> take.add(c.id()));
              outcomes.put(id, new Outcome(id, Result.RETRIED, copies.size(), null));
            }
          }
          Map<String, List<OutgoingMessage>> byOrigin = new LinkedHashMap<>();
          long[] takeIds = take.stream().mapToLong(Long::longValue).toArray();
          for (FailedRowStore.Taken row : rows.takeQueue(h, queue, takeIds)) {
            Map<String, String> headers = Previews.headers(row.headersJson());
            byOrigin
                .computeIfAbsent(headers.get(Headers.FAILED_QUEUE), k -> new ArrayList<>())
                .add(
                    OutgoingMessage.of(
                        row.messageId(), FailureHeaders.restored(headers), row.body()));
          }
          byOrigin.forEach((origin, batch) -> sent.add(runtime.queues().send(h, origin, batch)));
        });
    wake(sent);
    return List.copyOf(outcomes.values());
  }

  @Override
  public List<Outcome> retry(Filter filter) {
    List<String> ids = idsOf(list(filter));
    return ids.isEmpty() ? List.of() : retry(ids);
  }

  @Override
  public int retryAll() {
    long last = runtime.jdbi().withHandle(h -> rows.lastQueueId(h, queue));
    int retried = 0;
    Filter page = Filter.all().limit(MAX_LIMIT);
    while (true) {
      Page found = list(page);
      List<String> ids = new ArrayList<>();
      for (Message message : found.messages()) {
        if (Long.parseLong(message.cursor()) <= last) {
          ids.add(message.messageId());
        }
      }
      if (!ids.isEmpty()) {
        retried += retry(ids).stream().mapToInt(Outcome::copies).sum();
      }
      if (found.next() == null || ids.size() < found.messages().size()) {
        return retried;
      }
      page = page.after(found.next());
    }
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
            int n = runtime.discards().discardFromErrorQueue(h, queue, id, by);
            outcomes.add(
                n == 0
                    ? new Outcome(id, Result.NOT_FOUND, 0, "not in " + queue)
                    : new Outcome(id, Result.DISCARDED, n, null));
          }
          return outcomes;
        });
  }

  @Override
  public List<Outcome> discard(Filter filter, String discardedBy) {
    Inputs.operator(discardedBy);
    List<String> ids = idsOf(list(filter));
    return ids.isEmpty() ? List.of() : discard(ids, discardedBy);
  }

  private void wake(List<QueueStore.Sent> sent) {
    if (sent.isEmpty()) {
      return;
    }
    // stamped visible again after the commit, as a late send's rows are: receives scan on from
    // where the live rows begin
    runtime.jdbi().useHandle(h -> sent.forEach(s -> runtime.queues().restamp(h, s)));
    sent.stream().flatMap(s -> s.distinctQueues().stream()).distinct().forEach(runtime::queued);
  }

  private Page page(List<FailedRowStore.Row> found, int limit) {
    List<Message> messages = found.stream().limit(limit).map(this::message).toList();
    String next = found.size() > limit ? messages.getLast().cursor() : null;
    return new Page(messages, next);
  }

  private Message message(FailedRowStore.Row row) {
    return Previews.failed(
        queue,
        Long.toString(row.id()),
        row.messageId(),
        Previews.headers(row.headersJson()),
        row.preview(),
        row.size(),
        row.at(),
        row.attempts());
  }

  static List<String> idsOf(Page page) {
    return page.messages().stream().map(Message::messageId).distinct().toList();
  }
}
