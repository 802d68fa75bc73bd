package dev.pump.benchmarks.soak;

import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.TableStats;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sample of the soak, covering the time since the previous one.
 *
 * @param seconds since the soak began, at the end of the sample
 * @param handledPerS messages whose handler's transaction committed, per second
 * @param dispatchedPerS messages the dispatcher relayed, per second
 * @param inputBacklog messages enqueued and not yet handled, at the sample
 * @param outboxPending messages handled and not yet dispatched, at the sample
 * @param enqueueToHandledP99Ms over the sample, from the intended enqueue time
 * @param commitToDispatchP99Ms over the sample
 * @param longTransactionOpen whether the REPEATABLE READ snapshot was held at the sample
 * @param countDeliveryMs mean execution time of the receive's first statement over the sample (the
 *     delivery count, whose subquery finds the next message through the queue's index), from {@code
 *     pg_stat_statements}; NaN without it
 * @param tables the hot tables' dead tuples and sizes
 */
public record SoakSample(
    double seconds,
    double handledPerS,
    double dispatchedPerS,
    long inputBacklog,
    long outboxPending,
    double enqueueToHandledP99Ms,
    double commitToDispatchP99Ms,
    boolean longTransactionOpen,
    double countDeliveryMs,
    Map<String, TableStats> tables) {

  long deadTuples(String table) {
    TableStats stats = tables.get(table);
    return stats == null ? 0 : stats.deadTuples();
  }

  long bytes(String table) {
    TableStats stats = tables.get(table);
    return stats == null ? 0 : stats.bytes();
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("t_s", DbCost.round(seconds));
    json.put("handled_per_s", DbCost.round(handledPerS));
    json.put("dispatched_per_s", DbCost.round(dispatchedPerS));
    json.put("input_backlog", inputBacklog);
    json.put("outbox_pending", outboxPending);
    json.put("enqueue_to_handled_p99_ms", DbCost.round(enqueueToHandledP99Ms));
    json.put("commit_to_dispatch_p99_ms", DbCost.round(commitToDispatchP99Ms));
    json.put("long_transaction_open", longTransactionOpen);
    json.put(
        "count_delivery_mean_ms",
        Double.isNaN(countDeliveryMs) ? null : DbCost.round(countDeliveryMs));
    Map<String, Object> tableJson = new LinkedHashMap<>();
    tables.forEach((name, stats) -> tableJson.put(name, stats.toJson()));
    json.put("tables", tableJson);
    return json;
  }
}
