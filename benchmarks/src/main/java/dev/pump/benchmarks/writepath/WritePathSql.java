package dev.pump.benchmarks.writepath;

import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.benchmarks.report.Measured;
import dev.pump.core.Endpoint;
import dev.pump.core.internal.shared.BufferedSender;
import dev.pump.core.internal.shared.Endpoints;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.pipeline.PendingMessage;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SQL of Pump's write path as pgbench runs it, and the check that pgbench ran the statements
 * Pump ran.
 */
public final class WritePathSql {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * The name of the common table expression in which a pgbench script wraps one of Pump's
   * statements whose rows it needs as one row of arrays ({@code WITH bench_rows AS (<Pump's
   * statement>) SELECT ... FROM bench_rows}): {@link #sameSql} compares the statement inside.
   */
  public static final String BENCH_ROWS = "bench_rows";

  private static final java.util.regex.Pattern WRAPPED =
      java.util.regex.Pattern.compile(
          "^WITH " + BENCH_ROWS + " AS \\((.*)\\) SELECT .* FROM " + BENCH_ROWS + "$",
          java.util.regex.Pattern.DOTALL);

  private WritePathSql() {}

  /**
   * The SQL Pump sends for one session, as a pgbench script: the business insert and the outbox
   * insert of {@code dev.pump.jdbc.internal.outbox.OutboxStore}, its text copied (pgbench's {@code
   * :name} for Jdbi's), the causation id NULL as in a session outside a handler. Copied text can go
   * stale: {@link #sameSql} compares it with what Pump sent in the same run, and the result says
   * so.
   *
   * @param notifyInTransaction the earlier design: the insert wrapped in a CTE that also calls
   *     {@code pg_notify}, so every transaction notifies (and takes the notify lock at commit)
   */
  static List<String> script(boolean notifyInTransaction) {
    String columns =
        " (endpoint, causation_id, kind, destination, topics, message_id, headers, body,"
            + " due_at, ordering_key)"
            + " SELECT :endpoint, NULL, m.kind, m.destination,"
            + " CASE WHEN m.kind = 'publish' THEN string_to_array(m.topics, ',') END,"
            + " m.message_id, m.headers::jsonb, m.body,"
            + " clock_timestamp() + m.delay_ms * interval '1 millisecond', m.ordering_key"
            + " FROM unnest(:kinds::text[], :destinations::text[], :topics::text[],"
            + " :message_ids::text[], :headers::text[], :bodies::bytea[], :delays::bigint[],"
            + " :ordering_keys::text[])"
            + " AS m(kind, destination, topics, message_id, headers, body, delay_ms, ordering_key)";
    String table = "\"" + Database.PUMP_SCHEMA + "\".outbox";
    String outbox =
        notifyInTransaction
            ? "WITH inserted AS (INSERT INTO "
                + table
                + columns
                + " RETURNING 1) SELECT (SELECT count(*) FROM inserted), pg_notify(:channel, '');"
            : "INSERT INTO " + table + columns + ";";
    return List.of(
        "\\set order_id random(1, 1000000000)",
        "BEGIN;",
        "INSERT INTO "
            + Workload.BUSINESS_TABLE
            + " (order_id, payload) VALUES (:order_id, :payload);",
        outbox,
        "COMMIT;");
  }

  /**
   * Whether every statement pgbench ran (BEGIN and COMMIT aside) is one Pump ran too, compared as
   * pg_stat_statements normalises them, with parameter numbers and NULL blurred: false means the
   * copied script no longer matches Pump's SQL, and the ratio to pgbench means little.
   */
  public static boolean sameSql(Measured pump, Measured pgbench) {
    return sameSql(pump, pgbench, "db_cost_per_tx");
  }

  /** As {@link #sameSql(Measured, Measured)}, with the database cost under {@code costKey}. */
  public static boolean sameSql(Measured pump, Measured pgbench, String costKey) {
    return sameSql(pump, pgbench, costKey, 0.5);
  }

  /**
   * As {@link #sameSql(Measured, Measured)}, with the database cost under {@code costKey}, checking
   * every statement pgbench ran at least {@code minCallsPerUnit} times per unit (a batch's
   * statements run once per batch, so a batched script needs a bound below one over the batch).
   */
  @SuppressWarnings("unchecked")
  public static boolean sameSql(
      Measured pump, Measured pgbench, String costKey, double minCallsPerUnit) {
    java.util.Set<String> pumpSql = new java.util.HashSet<>();
    Map<String, Object> pumpCost = (Map<String, Object>) pump.details().get(costKey);
    Map<String, Object> benchCost = (Map<String, Object>) pgbench.details().get(costKey);
    if (pumpCost == null || benchCost == null || pumpCost.get("statements") == null) {
      return false;
    }
    for (Map<String, Object> statement : (List<Map<String, Object>>) pumpCost.get("statements")) {
      pumpSql.add(normalise((String) statement.get("query")));
    }
    for (Map<String, Object> statement : (List<Map<String, Object>>) benchCost.get("statements")) {
      String query = (String) statement.get("query");
      if (!DbCost.isTransactionControl(query)
          && ((Number) statement.get("calls_per_unit")).doubleValue() >= minCallsPerUnit
          && !pumpSql.contains(normalise(query))) {
        return false;
      }
    }
    return true;
  }

  private static String normalise(String query) {
    java.util.regex.Matcher wrapped = WRAPPED.matcher(query.strip());
    return (wrapped.matches() ? wrapped.group(1) : query)
        .replaceAll("'[^']*'", "?")
        .replaceAll("\\$\\d+", "?")
        .replaceAll("\\bNULL\\b", "?")
        .replaceAll("\\b(true|false)\\b", "?")
        // pg_stat_statements keeps the constants of the text it saw first: Pump's literal 1 and
        // pgbench's normalised $3 are the same statement
        .replaceAll("\\b\\d+\\b", "?")
        .strip();
  }

  /**
   * The values of the script's variables: k messages as Pump's session makes them (same headers,
   * same serialized body, same id format), as PostgreSQL array literals.
   */
  static Map<String, String> variables(int k) {
    Endpoint endpoint =
        Endpoint.builder().name(WritePath.ENDPOINT).transport(InMemoryTransport.create()).build();
    BufferedSender sender = Endpoints.bufferedSender(endpoint);
    for (int line = 0; line < k; line++) {
      sender.send(WritePath.DESTINATION, new OrderPlaced(123_456_789L, line, Workload.PAYLOAD));
    }
    List<PendingMessage> pending = sender.outgoing().drain();
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("payload", Workload.PAYLOAD);
    variables.put("endpoint", WritePath.ENDPOINT);
    variables.put("channel", "pump_outbox_" + Database.PUMP_SCHEMA);
    variables.put("kinds", array(pending, p -> "send"));
    variables.put(
        "destinations", array(pending, p -> ((Destination.Queue) p.destination()).name()));
    variables.put("topics", array(pending, p -> null));
    variables.put("message_ids", array(pending, p -> p.message().messageId()));
    variables.put("headers", array(pending, p -> JSON.writeValueAsString(p.message().headers())));
    variables.put(
        "bodies", array(pending, p -> "\\x" + HexFormat.of().formatHex(p.message().body())));
    variables.put("delays", array(pending, p -> "0"));
    variables.put("ordering_keys", array(pending, p -> null));
    return variables;
  }

  private static String array(
      List<PendingMessage> pending, Function<PendingMessage, String> value) {
    StringBuilder literal = new StringBuilder("{");
    for (PendingMessage message : pending) {
      if (literal.length() > 1) {
        literal.append(',');
      }
      String element = value.apply(message);
      if (element == null) {
        literal.append("NULL");
      } else {
        literal.append('"').append(element.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return literal.append('}').toString();
  }
}
