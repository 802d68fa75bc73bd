package dev.pump.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The state of Pump's hot tables at one moment, from {@code pg_stat_user_tables}: dead and live
 * tuples, table + index + TOAST size, and how often autovacuum has run on each.
 *
 * <p>{@code n_dead_tup} is what the statistics system last heard from the backends, which report at
 * the end of a transaction at most once a second (and when idle): good enough at a sample every 10
 * seconds.
 */
public record TableStats(long deadTuples, long liveTuples, long bytes, long autovacuums) {
  public static final List<String> HOT_TABLES = List.of("queue_message", "inbox", "outbox");

  /** The hot tables of Pump's schema, by name. */
  public static Map<String, TableStats> read(Jdbi jdbi) {
    Map<String, TableStats> tables = new LinkedHashMap<>();
    jdbi.useHandle(h ->
        h.createQuery(
                "SELECT relname, n_dead_tup, n_live_tup, pg_total_relation_size(relid) AS bytes,"
                    + " autovacuum_count, 1 AS bench_probe FROM pg_stat_user_tables"
                    + " WHERE schemaname = :schema AND relname IN (<tables>)")
            .bind("schema", Database.PUMP_SCHEMA)
            .bindList("tables", HOT_TABLES)
            .map((rs, ctx) ->
                Map.entry(
                    rs.getString("relname"),
                    new TableStats(
                        rs.getLong("n_dead_tup"),
                        rs.getLong("n_live_tup"),
                        rs.getLong("bytes"),
                        rs.getLong("autovacuum_count"))))
            .forEach(e -> tables.put(e.getKey(), e.getValue())));
    return tables;
  }

  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dead_tuples", deadTuples);
    json.put("live_tuples", liveTuples);
    json.put("bytes", bytes);
    json.put("autovacuums", autovacuums);
    return json;
  }
}
