package dev.pump.benchmarks.endtoend;

// This file is long because it is every pgbench script of the end-to-end ceilings, each a copy of
// Pump's statements that the same-SQL check compares; keeping them together keeps the copies in
// step.

import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.benchmarks.writepath.WritePathSql;
import dev.pump.core.Endpoint;
import dev.pump.core.internal.shared.Endpoints;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.jdbc.internal.sql.HeadersJson;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The SQL of the end-to-end scenario as pgbench scripts: the database's ceilings for what Pump asks
 * of it. Every statement's text is copied from Pump's stores ({@code QueueStore}, {@code
 * InboxStore}, {@code OutboxStore}; the outbox insert is {@link WritePathSql#outboxInsert}, shared
 * with the write path), with pgbench's {@code :name} for Jdbi's and JDBC's parameters; {@link
 * WritePathSql#sameSql} checks in each run that pgbench ran what Pump ran. Two scripts:
 *
 * <ul>
 *   <li><b>per message</b> ({@link #perMessage}), Pump's SQL before batching: with the PostgreSQL
 *       queue transport, the producer's enqueue (its own transaction), the receive's committed
 *       delivery count, then in one transaction the claim's delete, the attempt's savepoint, the
 *       inbox insert, the business insert and the outbox insert;
 *   <li><b>batched</b> ({@link #batched}), what a batch of B sends: one delivery count of B rows,
 *       then in one transaction the claim's delete of the B rows, the inbox insert of the B ids,
 *       per message a savepoint and the business insert, and the outbox insert of the B rows; and
 *       beside it, weighted B to 1, the producer's enqueue of one message ({@link #enqueueOne}), so
 *       that clients enqueue in parallel as the producer's threads do.
 * </ul>
 *
 * <p>Both add, once every {@code rowsPerCycle} messages on average, a dispatcher cycle
 * (ordering-key locks, claim, mark, commit; then the send into the output queue in a transaction of
 * its own, as the transport does it on a second connection). With RabbitMQ the queue statements go
 * to the broker, so the scripts keep the handler's transaction and the dispatcher's claim and mark.
 *
 * <p>What pgbench does that Pump does not: a {@code SELECT} that makes unique message ids (pgbench
 * has no string functions; its alias {@code bench_probe} keeps it out of the statement counts), and
 * the statements whose rows the script needs later (the count, the claims) wrapped in a {@code WITH
 * bench_rows AS (...)} that collects their rows into arrays (Pump keeps them in Java); the same-SQL
 * check compares the statement inside.
 */
public final class EndToEndScript {
  static final String PGBENCH_INPUT = "pump-bench-e2e-pgbench-in";
  private static final String SCHEMA = "\"" + Database.PUMP_SCHEMA + "\"";
  private static final String QUEUE = SCHEMA + ".queue_message";
  private static final String OUTBOX = SCHEMA + ".outbox";

  private EndToEndScript() {}

  /** The per-message script for messages arriving on {@code kind}. */
  static List<String> perMessage(TransportKind kind, int rowsPerCycle) {
    List<String> lines = new ArrayList<>();
    lines.add("\\set n random(1, 1000000000000000)");
    lines.add("\\set order_id random(1, 1000000000)");
    if (kind == TransportKind.POSTGRES) {
      lines.add(
          "SELECT '{pgb-' || :client_id::text || '-' || :n::text || '}' AS bench_probe \\gset");
      lines.add("BEGIN;");
      lines.add(enqueue() + ";");
      lines.add("COMMIT;");
      lines.add(collect(countDeliveries(false), COUNTED) + " \\gset");
      // a receive that counted nothing claims nothing
      lines.add("\\if :counted > 0");
      lines.add("BEGIN;");
      lines.add(collect(claim(false), claimed(0)) + " \\gset");
      lines.add("SAVEPOINT pump_attempt_1;");
      lines.add(inbox() + ";");
    } else {
      lines.add(
          "SELECT 'pgb-' || :client_id::text || '-' || :n::text AS message_id,"
              + " '{pgb-' || :client_id::text || '-' || :n::text || '}' AS claimed_ids,"
              + " 1 AS bench_probe \\gset");
      lines.add("BEGIN;");
      lines.add(inbox() + ";");
    }
    lines.add(businessInsert());
    lines.add(WritePathSql.outboxInsert(1, row -> ":message_id", null) + ";");
    lines.add("COMMIT;");
    if (kind == TransportKind.POSTGRES) {
      lines.add("\\endif");
    }
    dispatcherShare(lines, kind, 1, rowsPerCycle);
    return lines;
  }

  /**
   * The producer's side of the batched ceiling: one message enqueued in a transaction of its own,
   * as the producer sends it. pgbench runs it beside {@link #batched}, weighted by the batch, so
   * that as many messages are enqueued as batches take, from clients in parallel as the producer's
   * threads enqueue.
   */
  static List<String> enqueueOne() {
    return List.of(
        "\\set n random(1, 1000000000000000)",
        "SELECT '{pgb-' || :client_id::text || '-' || :n::text || '}' AS bench_probe \\gset",
        "BEGIN;",
        enqueue() + ";",
        "COMMIT;");
  }

  /**
   * The consumer's side of the batched ceiling: one pgbench transaction handles a batch of up to
   * {@code batch} messages. With the PostgreSQL queue the count takes what is visible (the input
   * queue is preloaded and refilled by {@link #enqueueOne}, so a batch is nearly always full); with
   * RabbitMQ the batch's ids are made up.
   */
  static List<String> batched(TransportKind kind, int batch, int rowsPerCycle) {
    List<String> lines = new ArrayList<>();
    lines.add("\\set n random(1, 1000000000000000)");
    lines.add("\\set order_id random(1, 1000000000)");
    if (kind == TransportKind.POSTGRES) {
      lines.add(collect(countDeliveries(true), COUNTED) + " \\gset");
      lines.add("\\if :counted > 0");
      lines.add("BEGIN;");
      lines.add(collect(claim(true), claimed(causations(batch))) + " \\gset");
    } else {
      lines.add(
          "SELECT '{' || (SELECT string_agg('pgb-' || :client_id::text || '-' || :n::text || '-'"
              + " || g, ',') FROM generate_series(1, "
              + batch
              + ") AS g) || '}' AS claimed_ids, "
              + madeUpCausations(causations(batch))
              + "1 AS bench_probe \\gset");
      lines.add("BEGIN;");
    }
    // each message's attempt behind a savepoint of its own; the first records the batch's ids
    for (int i = 1; i <= batch; i++) {
      lines.add("SAVEPOINT pump_attempt_" + i + ";");
      if (i == 1) {
        lines.add(inboxBatch() + ";");
      }
      lines.add(businessInsert());
    }
    lines.add(
        WritePathSql.outboxInsert(batch, row -> ":causation_" + row, ":claimed_ids::text[]") + ";");
    lines.add("COMMIT;");
    if (kind == TransportKind.POSTGRES) {
      lines.add("\\endif");
    }
    dispatcherShare(lines, kind, batch, rowsPerCycle);
    return lines;
  }

  /**
   * A dispatcher cycle once every {@code rowsPerCycle} messages: a script run of {@code messages}
   * runs as many whole cycles as that makes, and the rest with a matching chance.
   */
  private static void dispatcherShare(
      List<String> lines, TransportKind kind, int messages, int rowsPerCycle) {
    double cycles = messages / (double) Math.max(1, rowsPerCycle);
    for (int i = 1; i <= (int) Math.floor(cycles); i++) {
      dispatcherCycle(lines, kind);
    }
    double rest = cycles - Math.floor(cycles);
    if (rest >= 0.01 || cycles < 1) {
      lines.add("\\set cycle random(1, " + Math.max(1, Math.round(1 / rest)) + ")");
      lines.add("\\if :cycle = 1");
      dispatcherCycle(lines, kind);
      lines.add("\\endif");
    }
  }

  private static void dispatcherCycle(List<String> lines, TransportKind kind) {
    lines.add("BEGIN;");
    lines.add(lockKeys() + ";");
    lines.add(dispatcherClaim() + " \\gset");
    lines.add("\\if :claimed > 0");
    lines.add("UPDATE " + OUTBOX + " SET dispatched_at = now() WHERE id = ANY(:ids::bigint[]);");
    lines.add("\\endif");
    lines.add("COMMIT;");
    if (kind == TransportKind.POSTGRES) {
      lines.add("\\if :claimed > 0");
      lines.add("BEGIN;");
      lines.add(send() + ";");
      lines.add("COMMIT;");
      lines.add("\\endif");
    }
  }

  private static String businessInsert() {
    return "INSERT INTO "
        + Workload.BUSINESS_TABLE
        + " (order_id, payload) VALUES (:order_id, :payload);";
  }

  /** What the count's rows become: the arrays the claim binds. */
  private static final String COUNTED =
      "coalesce(array_agg(id), '{}') AS counted_ids,"
          + " coalesce(array_agg(visible_at::text), '{}') AS counted_ats,"
          + " coalesce(array_agg(attempts), '{}') AS counted_attempts,"
          + " (array_agg(id))[1] AS id, (array_agg(visible_at::text))[1] AS visible_at,"
          + " (array_agg(attempts))[1] AS attempts, count(*) AS counted";

  /**
   * What the claim's rows become: the ids the inbox records and the outbox rows' causations, as the
   * array of the unnest insert and as {@code causation_1} to {@code causation_<causations>} for the
   * VALUES insert (empty where the claim took fewer).
   */
  private static String claimed(int causations) {
    StringBuilder columns =
        new StringBuilder(
            "coalesce(array_agg(message_id ORDER BY message_id), '{}') AS claimed_ids,"
                + " (array_agg(message_id))[1] AS message_id");
    for (int i = 1; i <= causations; i++) {
      columns
          .append(", (array_agg(message_id ORDER BY message_id))[")
          .append(i)
          .append("] AS causation_")
          .append(i);
    }
    return columns.toString();
  }

  /** The causation variables a batch's outbox insert needs: one per row of the VALUES form. */
  private static int causations(int batch) {
    return batch > WritePathSql.VALUES_ROWS ? 0 : batch;
  }

  /**
   * Made-up causation ids for the RabbitMQ batch, as its made-up claimed ids: columns of one row.
   */
  private static String madeUpCausations(int causations) {
    StringBuilder columns = new StringBuilder();
    for (int i = 1; i <= causations; i++) {
      columns
          .append("'pgb-' || :client_id::text || '-' || :n::text || '-")
          .append(i)
          .append("' AS causation_")
          .append(i)
          .append(", ");
    }
    return columns.toString();
  }

  /**
   * {@code statement}, whose rows pgbench needs later, wrapped so that one row of arrays comes back
   * ({@code \gset} takes one row): the wrapper the same-SQL check looks inside.
   */
  private static String collect(String statement, String columns) {
    return "WITH "
        + WritePathSql.BENCH_ROWS
        + " AS ("
        + statement
        + ") SELECT "
        + columns
        + " FROM "
        + WritePathSql.BENCH_ROWS;
  }

  /**
   * The values of the scripts' variables: an incoming message and {@code rows} copies of the
   * message its handler sends, as Pump makes them (same headers, body and id format), as PostgreSQL
   * array literals.
   */
  static Map<String, String> variables(int rows) {
    Endpoint client =
        Endpoint.builder().name("bench-e2e-client").transport(InMemoryTransport.create()).build();
    OutgoingMessage incoming = EndToEndService.incoming(client, "pgb-template", 123_456_789L);
    Endpoint handler =
        Endpoint.builder()
            .name(EndToEndService.ENDPOINT)
            .transport(InMemoryTransport.create())
            .build();
    var sender = Endpoints.bufferedSender(handler);
    sender.send(EndToEndService.OUTPUT, new OrderPlaced(123_456_789L, 1, Workload.PAYLOAD));
    OutgoingMessage outgoing = sender.outgoing().drain().getFirst().message();
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("payload", Workload.PAYLOAD);
    variables.put("endpoint", EndToEndService.ENDPOINT);
    variables.put("in_queue", PGBENCH_INPUT);
    variables.put("out_queue", EndToEndService.OUTPUT);
    variables.put("lease_ms", "1000");
    variables.put("max", String.valueOf(rows));
    variables.put("in_headers", array(1, HeadersJson.write(incoming.headers())));
    variables.put("in_bodies", array(1, "\\x" + HexFormat.of().formatHex(incoming.body())));
    variables.put("in_delays", "{0}");
    if (rows > WritePathSql.VALUES_ROWS) {
      WritePathSql.putArrays(
          variables, EndToEndService.OUTPUT, java.util.Collections.nCopies(rows, outgoing));
    } else {
      for (int i = 1; i <= rows; i++) {
        WritePathSql.putRow(variables, i, EndToEndService.OUTPUT, outgoing);
      }
    }
    variables.put("limit", String.valueOf(dev.pump.jdbc.OutboxDispatcher.DEFAULT_CLAIM_SIZE));
    variables.put("keys", "{}");
    variables.put("paused", "{}");
    return variables;
  }

  /**
   * Puts {@code rows} messages in pgbench's input queue, so that every client's count finds what it
   * asks for (each script run enqueues as many as it claims); made from the same template as the
   * scripts'.
   */
  static void preload(Jdbi jdbi, int rows) {
    Endpoint client =
        Endpoint.builder().name("bench-e2e-client").transport(InMemoryTransport.create()).build();
    OutgoingMessage incoming = EndToEndService.incoming(client, "pgb-template", 123_456_789L);
    jdbi.useHandle(h -> {
      h.execute("DELETE FROM " + QUEUE + " WHERE queue = ?", PGBENCH_INPUT);
      h.execute(
          "INSERT INTO "
              + QUEUE
              + " (queue, message_id, headers, body)"
              + " SELECT ?, 'pgb-preload-' || g, ?::jsonb, ? FROM generate_series(1, ?) AS g",
          PGBENCH_INPUT,
          HeadersJson.write(incoming.headers()),
          incoming.body(),
          rows);
    });
  }

  // ---- the statements, copied from Pump's stores ---------------------------------------------

  /** {@code QueueStore}'s send, as the producer's transport runs it for one message. */
  private static String enqueue() {
    return "WITH sent AS (INSERT INTO "
        + QUEUE
        + " (queue, message_id, headers, body, visible_at) SELECT :in_queue,"
        + " m.message_id, m.headers::jsonb, m.body,"
        + " clock_timestamp() + m.delay_ms * interval '1 millisecond'"
        + " FROM unnest(:bench_probe::text[], :in_headers::text[], :in_bodies::bytea[],"
        + " :in_delays::bigint[]) AS m(message_id, headers, body, delay_ms)"
        + " RETURNING queue, id, visible_at)"
        + " SELECT coalesce(array_agg(queue), '{}') AS queues, coalesce(array_agg(id), '{}') AS ids,"
        + " coalesce(array_agg(visible_at::text), '{}') AS ats FROM sent";
  }

  /** {@code QueueStore}'s send into the output queue, with the claimed rows. */
  private static String send() {
    return "WITH sent AS (INSERT INTO "
        + QUEUE
        + " (queue, message_id, headers, body, visible_at) SELECT :out_queue,"
        + " m.message_id, m.headers::jsonb, m.body,"
        + " clock_timestamp() + m.delay_ms * interval '1 millisecond'"
        + " FROM unnest(:out_ids::text[], :out_headers::text[], :out_bodies::bytea[],"
        + " :out_delays::bigint[]) AS m(message_id, headers, body, delay_ms)"
        + " RETURNING queue, id, visible_at)"
        + " SELECT coalesce(array_agg(queue), '{}') AS queues, coalesce(array_agg(id), '{}') AS ids,"
        + " coalesce(array_agg(visible_at::text), '{}') AS ats FROM sent";
  }

  /**
   * {@code QueueStore}'s delivery count of one message, or of up to {@code :max} for a batch
   * (stopping before a message delivered before, which is counted alone when it comes first),
   * committed on its own without waiting for the flush. Pump starts the scan shortly before the
   * last message it found (and from the head once a second); pgbench's clients keep no such state,
   * so the baseline always scans from the head, which costs the same while vacuum keeps up (no long
   * transaction in this scenario).
   */
  private static String countDeliveries(boolean batch) {
    String due =
        " WHERE queue = :in_queue AND visible_at >= coalesce(CAST(NULL AS timestamptz),"
            + " '-infinity') AND visible_at <= now()"
            + " AND (leased_until IS NULL OR leased_until <= now())";
    if (!batch) {
      return "UPDATE "
          + QUEUE
          + " SET attempts = attempts + 1,"
          + " leased_until = now() + :lease_ms * interval '1 millisecond'"
          + " WHERE (queue, visible_at, id) = (SELECT queue, visible_at, id FROM "
          + QUEUE
          + due
          + " ORDER BY visible_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
          + " RETURNING id, visible_at, attempts, set_config('synchronous_commit', 'off', true)";
    }
    return "WITH picked AS (SELECT queue, visible_at, id, attempts FROM "
        + QUEUE
        + due
        + " ORDER BY visible_at, id LIMIT :max FOR UPDATE SKIP LOCKED),"
        + " chosen AS (SELECT queue, visible_at, id FROM (SELECT queue, visible_at, id,"
        + " row_number() OVER w AS n, count(*) FILTER (WHERE attempts > 0) OVER w AS redelivered"
        + " FROM picked WINDOW w AS (ORDER BY visible_at, id)) AS p"
        + " WHERE n = 1 OR redelivered = 0)"
        + " UPDATE "
        + QUEUE
        + " AS m SET attempts = m.attempts + 1,"
        + " leased_until = now() + :lease_ms * interval '1 millisecond'"
        + " FROM chosen c WHERE m.queue = c.queue AND m.visible_at = c.visible_at"
        + " AND m.id = c.id"
        + " RETURNING m.id, m.visible_at, m.attempts,"
        + " set_config('synchronous_commit', 'off', true)";
  }

  /** {@code QueueStore}'s claim of the counted row, or rows: the delete in the handler's tx. */
  private static String claim(boolean batch) {
    String returning =
        " RETURNING id, queue, message_id, headers::text AS headers, body, attempts,"
            + " enqueued_at, visible_at";
    if (!batch) {
      return "DELETE FROM "
          + QUEUE
          + " WHERE queue = :in_queue AND visible_at = :visible_at AND id = :id"
          + " AND attempts = :attempts"
          + returning;
    }
    return "DELETE FROM "
        + QUEUE
        + " AS m USING unnest(:counted_ats::timestamptz[], :counted_ids::bigint[],"
        + " :counted_attempts::int[]) AS c(visible_at, id, attempts)"
        + " WHERE m.queue = :in_queue AND m.visible_at = c.visible_at AND m.id = c.id"
        + " AND m.attempts = c.attempts"
        + " RETURNING m.id, m.queue, m.message_id, m.headers::text AS headers, m.body,"
        + " m.attempts, m.enqueued_at, m.visible_at";
  }

  /** {@code InboxStore}'s record of one message. */
  private static String inbox() {
    return "INSERT INTO "
        + SCHEMA
        + ".inbox AS i (endpoint, message_id) VALUES (:endpoint, :message_id)"
        + " ON CONFLICT (endpoint, message_id) DO UPDATE"
        + " SET duplicates = i.duplicates + 1, last_duplicate_at = now()"
        + " RETURNING (xmax = 0) AS first_time";
  }

  /**
   * {@code InboxStore}'s record of a batch's messages, in one statement: the first message of the
   * batch records every id (sorted, so that two batches lock shared ids in the same order).
   */
  private static String inboxBatch() {
    return "INSERT INTO "
        + SCHEMA
        + ".inbox AS i (endpoint, message_id) SELECT :endpoint, m FROM unnest(:claimed_ids::text[])"
        + " AS m ON CONFLICT (endpoint, message_id) DO UPDATE"
        + " SET duplicates = i.duplicates + 1, last_duplicate_at = now()"
        + " RETURNING message_id, (xmax = 0) AS first_time";
  }

  /** {@code OutboxStore}'s ordering-key locks, taken before the claim. */
  private static String lockKeys() {
    int lockSpace = ("pump.outbox." + Database.PUMP_SCHEMA).hashCode();
    return "SELECT k FROM (SELECT DISTINCT ordering_key AS k FROM (SELECT ordering_key FROM "
        + OUTBOX
        + " WHERE dispatched_at IS NULL AND parked_at IS NULL AND due_at <= now()"
        + " AND due_at >= coalesce(CAST(NULL AS timestamptz), '-infinity')"
        + " ORDER BY due_at, id LIMIT :limit) AS candidates WHERE ordering_key IS NOT NULL) AS keys"
        + " WHERE pg_try_advisory_xact_lock("
        + lockSpace
        + ", hashtext(k))";
  }

  /** {@code OutboxStore}'s claim, its rows gathered into arrays for the mark and the send. */
  private static String dispatcherClaim() {
    String claim =
        "SELECT id, destination, topics, message_id, headers::text AS headers, body, attempts,"
            + " ordering_key, due_at"
            + " FROM "
            + OUTBOX
            + " AS o WHERE dispatched_at IS NULL AND parked_at IS NULL AND due_at <= now()"
            + " AND due_at >= coalesce(CAST(NULL AS timestamptz), '-infinity')"
            + " AND NOT (destination = ANY(:paused::text[]))"
            + " AND (ordering_key IS NULL OR (ordering_key = ANY(:keys::text[]) AND NOT EXISTS ("
            + "SELECT 1 FROM "
            + OUTBOX
            + " AS e WHERE e.ordering_key = o.ordering_key AND e.id < o.id"
            + " AND e.dispatched_at IS NULL AND e.parked_at IS NULL AND (e.due_at > o.due_at"
            + " OR e.due_at < coalesce(CAST(NULL AS timestamptz), '-infinity')))))"
            + " ORDER BY due_at, id LIMIT :limit FOR UPDATE SKIP LOCKED";
    return collect(
        claim,
        "coalesce(array_agg(id), '{}') AS ids,"
            + " coalesce(array_agg(message_id), '{}') AS out_ids,"
            + " coalesce(array_agg(headers), '{}') AS out_headers,"
            + " coalesce(array_agg(body), '{}') AS out_bodies,"
            + " coalesce(array_agg(0::bigint), '{}') AS out_delays,"
            + " count(*) AS claimed");
  }

  /** A PostgreSQL array literal of {@code rows} copies of {@code element} (null: NULL). */
  private static String array(int rows, String element) {
    String literal =
        element == null
            ? "NULL"
            : "\"" + element.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    return "{" + String.join(",", java.util.Collections.nCopies(rows, literal)) + "}";
  }
}
