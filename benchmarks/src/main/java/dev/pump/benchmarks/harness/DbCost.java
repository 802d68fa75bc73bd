package dev.pump.benchmarks.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * What a measured stretch cost the database, per unit of work (a transaction, a message, a row):
 * statements from {@code pg_stat_statements} (BEGIN and COMMIT included: each is a statement the
 * server parses, though the driver may send it in the same round trip as the next one), WAL bytes
 * from the WAL position (the same figure {@code pg_stat_wal.wal_bytes} sums, without its statistics
 * delay), and row changes from {@code pg_stat_user_tables}.
 *
 * <p>{@link #start} resets {@code pg_stat_statements} for this database, so measurements must not
 * overlap. Close the measured pools and {@link Database#awaitGone} them before {@link #end}: table
 * statistics reach the server when a backend is idle for a while or exits.
 */
public final class DbCost {
  /**
   * Marks the benchmark's own statements, so they are left out: pg_stat_statements keeps column
   * aliases in its query text but drops comments and constants.
   */
  static final String PROBE_ALIAS = "bench_probe";

  private static final String PROBE = "";

  /**
   * Statements listed under {@code statements}, most called first; the others are under {@code
   * other_statements}.
   */
  private static final int TOP_STATEMENTS = 15;

  private final Database database;
  private final List<String> tables;
  private final String startLsn;
  private final Map<String, long[]> startTuples;
  private final WaitSampler waits;

  private DbCost(Database database, List<String> tables, String application) {
    this.database = database;
    this.tables = tables;
    if (database.hasStatements()) {
      database
          .admin()
          .useHandle(h ->
              h.createQuery(
                      PROBE
                          + "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database"
                          + " WHERE datname = current_database()), 0) AS bench_probe")
                  .mapToMap()
                  .list());
    }
    this.startTuples = tuples();
    this.startLsn =
        database
            .admin()
            .withHandle(h ->
                h.createQuery(PROBE + "SELECT pg_current_wal_lsn()::text AS bench_probe")
                    .mapTo(String.class)
                    .one());
    this.waits = application == null ? null : WaitSampler.start(database, application);
  }

  /** Starts measuring; {@code tables} are qualified names whose row changes are reported. */
  public static DbCost start(Database database, List<String> tables) {
    return new DbCost(database, tables, null);
  }

  /**
   * Starts measuring, and samples what the server processes of {@code application} wait for until
   * {@link #end}.
   */
  public static DbCost start(Database database, List<String> tables, String application) {
    return new DbCost(database, tables, application);
  }

  /** Ends the measurement and divides by {@code units}. */
  public Map<String, Object> end(long units) {
    Map<String, Object> cost = new LinkedHashMap<>();
    if (waits != null) {
      cost.put("server_process_states", waits.stop());
    }
    double perUnit = 1.0 / Math.max(1, units);
    database
        .admin()
        .useHandle(h -> {
          long wal =
              h.createQuery(
                      PROBE
                          + "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), :start::pg_lsn) AS bench_probe")
                  .bind("start", startLsn)
                  .mapTo(Long.class)
                  .one();
          cost.put("wal_bytes_per_unit", round(wal * perUnit));
          if (database.hasStatements()) {
            List<Map<String, Object>> rows = statements(h);
            long calls = 0;
            long control = 0;
            for (Map<String, Object> row : rows) {
              long n = ((Number) row.get("calls")).longValue();
              if (isTransactionControl((String) row.get("query"))) {
                control += n;
              } else {
                calls += n;
              }
            }
            cost.put("statements_per_unit", round(calls * perUnit));
            cost.put("transaction_control_per_unit", round(control * perUnit));
            // the top for a reader; the rest too, because the same-SQL check must see every
            // statement a system ran, and Pump's several INSERT ... VALUES shapes push some of
            // its statements below the top
            List<Map<String, Object>> top = new ArrayList<>();
            List<Map<String, Object>> rest = new ArrayList<>();
            for (Map<String, Object> row : rows) {
              Map<String, Object> statement = new LinkedHashMap<>();
              statement.put(
                  "calls_per_unit", round(((Number) row.get("calls")).longValue() * perUnit));
              statement.put("mean_ms", round(((Number) row.get("mean_ms")).doubleValue()));
              statement.put(
                  "rows_per_call", round(((Number) row.get("rows_per_call")).doubleValue()));
              statement.put("query", row.get("query"));
              (top.size() < TOP_STATEMENTS ? top : rest).add(statement);
            }
            cost.put("statements", top);
            cost.put("other_statements", rest);
          }
        });
    Map<String, long[]> endTuples = tuples();
    long changed = 0;
    long dead = 0;
    for (String table : tables) {
      long[] before = startTuples.getOrDefault(table, new long[3]);
      long[] after = endTuples.getOrDefault(table, new long[3]);
      changed += (after[0] - before[0]) + (after[1] - before[1]);
      dead += after[2];
    }
    cost.put("dead_tuples_created_per_unit", round(changed * perUnit));
    cost.put("dead_tuples_at_end", dead);
    cost.put("units", units);
    return cost;
  }

  /**
   * BEGIN, COMMIT and ROLLBACK are counted apart: pg_stat_statements sees them for JDBC's simple
   * queries but hardly for pgbench's prepared mode, so they would distort the comparison; every
   * system here has exactly one BEGIN and one COMMIT per transaction anyway.
   */
  public static boolean isTransactionControl(String query) {
    String q = query.strip().toUpperCase(java.util.Locale.ROOT);
    return q.startsWith("BEGIN")
        || q.startsWith("COMMIT")
        || q.startsWith("ROLLBACK")
        || q.startsWith("START TRANSACTION")
        || q.equals("END");
  }

  private static List<Map<String, Object>> statements(Handle h) {
    return h.createQuery(
            PROBE
                + "SELECT calls, mean_exec_time AS mean_ms,"
                + " rows::float8 / greatest(calls, 1) AS rows_per_call,"
                + " regexp_replace(query, '\\s+', ' ', 'g') AS query"
                + " FROM pg_stat_statements"
                + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND query NOT LIKE '%bench_probe%' AND query NOT LIKE '%pg_stat_statements%'"
                + " ORDER BY calls DESC")
        .mapToMap()
        .list();
  }

  private Map<String, long[]> tuples() {
    Map<String, long[]> result = new LinkedHashMap<>();
    database
        .admin()
        .useHandle(h ->
            h.createQuery(
                    PROBE
                        + "SELECT schemaname || '.' || relname AS name, n_tup_upd, n_tup_del,"
                        + " n_dead_tup, 1 AS bench_probe FROM pg_stat_user_tables")
                .map((rs, ctx) ->
                    Map.entry(
                        rs.getString("name"),
                        new long[] {
                          rs.getLong("n_tup_upd"), rs.getLong("n_tup_del"), rs.getLong("n_dead_tup")
                        }))
                .forEach(e -> result.put(e.getKey(), e.getValue())));
    return result;
  }

  public static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
