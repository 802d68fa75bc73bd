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
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.jdbc.internal.sql.HeadersJson;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The SQL of Pump's write path as pgbench runs it, and the check that pgbench ran the statements
 * Pump ran.
 */
public final class WritePathSql {
  /**
   * The name of the common table expression in which a pgbench script wraps one of Pump's
   * statements whose rows it needs as one row of arrays ({@code WITH bench_rows AS (<Pump's
   * statement>) SELECT ... FROM bench_rows}): {@link #sameSql} compares the statement inside.
   */
  public static final String BENCH_ROWS = "bench_rows";

  /**
   * Up to this many rows {@code OutboxStore} inserts by {@code INSERT ... VALUES}, more by {@code
   * unnest}: its own constant, which the benchmarks cannot see.
   */
  public static final int VALUES_ROWS = 8;

  private static final java.util.regex.Pattern WRAPPED =
      java.util.regex.Pattern.compile(
          "^WITH " + BENCH_ROWS + " AS \\((.*)\\) SELECT .* FROM " + BENCH_ROWS + "$",
          java.util.regex.Pattern.DOTALL);

  private WritePathSql() {}

  /**
   * The SQL Pump sends for one session of {@code k} messages, as a pgbench script: the business
   * insert and the outbox insert of {@code dev.pump.jdbc.internal.outbox.OutboxStore} ({@link
   * #outboxInsert}), the causation id NULL as in a session outside a handler. Copied text can go
   * stale: {@link #sameSql} compares it with what Pump sent in the same run, and the result says
   * so.
   *
   * @param notifyInTransaction the earlier design: the insert wrapped in a CTE that also calls
   *     {@code pg_notify}, so every transaction notifies (and takes the notify lock at commit)
   */
  static List<String> script(int k, boolean notifyInTransaction) {
    String insert = outboxInsert(k, row -> "NULL", ":causation_ids::text[]");
    String outbox =
        notifyInTransaction
            ? "WITH inserted AS ("
                + insert
                + " RETURNING 1) SELECT (SELECT count(*) FROM inserted), pg_notify(:channel, '');"
            : insert + ";";
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
   * {@code OutboxStore}'s insert of {@code rows} rows, its text copied with pgbench's variables for
   * JDBC's parameters. Up to {@link #VALUES_ROWS} rows it is {@code INSERT ... VALUES} with one
   * tuple per row, whose variables {@link #putRow} sets ({@code kind_1}, {@code destination_1},
   * ...; topics and ordering key NULL, as for a send without a key), the causation id of row i
   * (from 1) being {@code causation.apply(i)}. Above, it is {@code INSERT ... SELECT ... FROM
   * unnest(...)} over the arrays {@link #putArrays} sets, the causation ids being {@code
   * causationIds}.
   */
  public static String outboxInsert(int rows, IntFunction<String> causation, String causationIds) {
    String columns =
        "INSERT INTO \""
            + Database.PUMP_SCHEMA
            + "\".outbox"
            + " (endpoint, causation_id, kind, destination, topics, message_id, headers, body,"
            + " due_at, ordering_key)";
    if (rows > VALUES_ROWS) {
      return columns
          + " SELECT :endpoint, m.causation_id, m.kind, m.destination,"
          + " string_to_array(m.topics, ','), m.message_id, m.headers::jsonb, m.body,"
          + " clock_timestamp() + m.delay_ms * interval '1 millisecond', m.ordering_key"
          + " FROM unnest("
          + causationIds
          + ", :kinds::text[], :destinations::text[], :topics::text[], :message_ids::text[],"
          + " :headers::text[], :bodies::bytea[], :delays::bigint[], :ordering_keys::text[])"
          + " AS m(causation_id, kind, destination, topics, message_id, headers, body, delay_ms,"
          + " ordering_key)";
    }
    StringBuilder values = new StringBuilder(columns).append(" VALUES ");
    for (int i = 1; i <= rows; i++) {
      values
          .append(i == 1 ? "" : ", ")
          .append("(:endpoint, ")
          .append(causation.apply(i))
          .append(", :kind_")
          .append(i)
          .append(", :destination_")
          .append(i)
          .append(", string_to_array(NULL, ','), :message_id_")
          .append(i)
          .append(", :headers_")
          .append(i)
          .append("::jsonb, :body_")
          .append(i)
          .append(", clock_timestamp() + :delay_")
          .append(i)
          .append(" * interval '1 millisecond', NULL)");
    }
    return values.toString();
  }

  /** Sets the variables of row {@code i} (from 1) of {@link #outboxInsert}'s VALUES form. */
  public static void putRow(
      Map<String, String> variables, int i, String destination, OutgoingMessage message) {
    variables.put("kind_" + i, "send");
    variables.put("destination_" + i, destination);
    variables.put("message_id_" + i, message.messageId());
    variables.put("headers_" + i, HeadersJson.write(message.headers()));
    variables.put("body_" + i, "\\x" + HexFormat.of().formatHex(message.body()));
    variables.put("delay_" + i, String.valueOf(message.delay().toMillis()));
  }

  /**
   * Sets the arrays of {@link #outboxInsert}'s unnest form, one element per message of {@code
   * messages}, each a send to {@code destination} without an ordering key.
   */
  public static void putArrays(
      Map<String, String> variables, String destination, List<OutgoingMessage> messages) {
    variables.put("kinds", array(messages, m -> "send"));
    variables.put("destinations", array(messages, m -> destination));
    variables.put("topics", array(messages, m -> null));
    variables.put("message_ids", array(messages, OutgoingMessage::messageId));
    variables.put("headers", array(messages, m -> HeadersJson.write(m.headers())));
    variables.put("bodies", array(messages, m -> "\\x" + HexFormat.of().formatHex(m.body())));
    variables.put("delays", array(messages, m -> String.valueOf(m.delay().toMillis())));
    variables.put("ordering_keys", array(messages, m -> null));
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
    for (Map<String, Object> statement : statements(pumpCost)) {
      pumpSql.add(normalise((String) statement.get("query")));
    }
    for (Map<String, Object> statement : statements(benchCost)) {
      String query = (String) statement.get("query");
      if (!DbCost.isTransactionControl(query)
          && ((Number) statement.get("calls_per_unit")).doubleValue() >= minCallsPerUnit
          && !pumpSql.contains(normalise(query))) {
        return false;
      }
    }
    return true;
  }

  /** Every statement of a database cost: the top ones and the others. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> statements(Map<String, Object> cost) {
    List<Map<String, Object>> all =
        new ArrayList<>((List<Map<String, Object>>) cost.get("statements"));
    Object others = cost.get("other_statements");
    if (others != null) {
      all.addAll((List<Map<String, Object>>) others);
    }
    return all;
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
   * same serialized body, same id format), one variable per column and row, or above {@link
   * #VALUES_ROWS} rows as PostgreSQL array literals.
   */
  static Map<String, String> variables(int k) {
    Endpoint endpoint =
        Endpoint.builder().name(WritePath.ENDPOINT).transport(InMemoryTransport.create()).build();
    BufferedSender sender = Endpoints.bufferedSender(endpoint);
    for (int line = 0; line < k; line++) {
      sender.send(WritePath.DESTINATION, new OrderPlaced(123_456_789L, line, Workload.PAYLOAD));
    }
    List<OutgoingMessage> messages = new ArrayList<>();
    for (PendingMessage pending : sender.outgoing().drain()) {
      if (!(pending.destination() instanceof Destination.Queue queue)
          || !queue.name().equals(WritePath.DESTINATION)) {
        throw new IllegalStateException("not a send to " + WritePath.DESTINATION + ": " + pending);
      }
      messages.add(pending.message());
    }
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("payload", Workload.PAYLOAD);
    variables.put("endpoint", WritePath.ENDPOINT);
    variables.put("channel", "pump_outbox_" + Database.PUMP_SCHEMA);
    if (k > VALUES_ROWS) {
      putArrays(variables, WritePath.DESTINATION, messages);
      variables.put("causation_ids", array(messages, m -> null));
    } else {
      for (int i = 1; i <= k; i++) {
        putRow(variables, i, WritePath.DESTINATION, messages.get(i - 1));
      }
    }
    return variables;
  }

  private static String array(
      List<OutgoingMessage> messages, Function<OutgoingMessage, String> value) {
    StringBuilder literal = new StringBuilder("{");
    for (OutgoingMessage message : messages) {
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
