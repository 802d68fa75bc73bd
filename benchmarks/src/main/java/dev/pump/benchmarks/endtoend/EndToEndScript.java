package dev.pump.benchmarks.endtoend;

import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.benchmarks.writepath.WritePathSql;
import dev.pump.core.Endpoint;
import dev.pump.core.internal.shared.Endpoints;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.spi.OutgoingMessage;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SQL of one handled message of the end-to-end scenario, as a pgbench script: the database's
 * ceiling for what Pump asks of it per message. Every statement's text is copied from Pump's stores
 * ({@code QueueStore}, {@code InboxStore}, {@code OutboxStore}), with pgbench's {@code :name} for
 * Jdbi's; {@link WritePathSql#sameSql} checks in each run that pgbench ran what Pump ran.
 *
 * <p>Per message, with the PostgreSQL queue transport: the producer's enqueue (its own
 * transaction), the receive's committed delivery count, then in one transaction the claim's delete,
 * the attempt's savepoint, the inbox insert, the business insert and the outbox insert; and, once
 * every {@code rowsPerCycle} messages on average, a dispatcher cycle (ordering-key locks, claim,
 * mark, commit; then the send into the output queue in a transaction of its own, as the transport
 * does it on a second connection). With RabbitMQ the queue statements go to the broker, so the
 * script keeps the handler's transaction and the dispatcher's claim and mark.
 *
 * <p>Two things pgbench does that Pump does not: a {@code SELECT} that makes a unique message id
 * per message (pgbench has no string functions; its alias {@code bench_probe} keeps it out of the
 * statement counts), and the claim wrapped in a {@code WITH} that collects the claimed rows into
 * arrays for the mark and the send (Pump keeps them in Java).
 */
public final class EndToEndScript {
  static final String PGBENCH_INPUT = "pump-bench-e2e-pgbench-in";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SCHEMA = "\"" + Database.PUMP_SCHEMA + "\"";
  private static final String QUEUE = SCHEMA + ".queue_message";
  private static final String OUTBOX = SCHEMA + ".outbox";

  private EndToEndScript() {}

  /** The script for messages arriving on {@code kind}, with a dispatcher cycle per that many. */
  static List<String> script(TransportKind kind, int rowsPerCycle) {
    List<String> lines = new ArrayList<>();
    lines.add("\\set n random(1, 1000000000000000)");
    lines.add("\\set order_id random(1, 1000000000)");
    String messageId;
    if (kind == TransportKind.POSTGRES) {
      lines.add(
          "SELECT '{pgb-' || :client_id::text || '-' || :n::text || '}' AS bench_probe \\gset");
      lines.add("BEGIN;");
      lines.add(enqueue() + ";");
      lines.add("COMMIT;");
      lines.add(countDelivery() + " \\gset");
      lines.add("BEGIN;");
      lines.add(claim() + " \\gset received_");
      lines.add("SAVEPOINT pump_attempt;");
      messageId = ":received_message_id";
    } else {
      lines.add("BEGIN;");
      messageId = ":n";
    }
    lines.add(inbox(messageId) + ";");
    lines.add(
        "INSERT INTO "
            + Workload.BUSINESS_TABLE
            + " (order_id, payload) VALUES (:order_id, :payload);");
    lines.add(outbox(messageId) + ";");
    lines.add("COMMIT;");
    lines.add("\\set cycle random(1, " + Math.max(1, rowsPerCycle) + ")");
    lines.add("\\if :cycle = 1");
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
    lines.add("\\endif");
    return lines;
  }

  /**
   * The values of the script's variables: an incoming message and the message its handler sends, as
   * Pump makes them (same headers, body and id format), as PostgreSQL array literals.
   */
  static Map<String, String> variables() {
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
    variables.put("in_headers", array(JSON.writeValueAsString(incoming.headers())));
    variables.put("in_bodies", array("\\x" + HexFormat.of().formatHex(incoming.body())));
    variables.put("delays", "{0}");
    variables.put("kinds", "{send}");
    variables.put("destinations", array(EndToEndService.OUTPUT));
    variables.put("topics", "{NULL}");
    variables.put("message_ids", array(outgoing.messageId()));
    variables.put("headers", array(JSON.writeValueAsString(outgoing.headers())));
    variables.put("bodies", array("\\x" + HexFormat.of().formatHex(outgoing.body())));
    variables.put("ordering_keys", "{NULL}");
    variables.put("limit", String.valueOf(dev.pump.jdbc.OutboxDispatcher.DEFAULT_CLAIM_SIZE));
    variables.put("keys", "{}");
    variables.put("paused", "{}");
    return variables;
  }

  /**
   * Puts {@code rows} messages in pgbench's input queue, so that every client's claim finds one
   * (each script run enqueues one and claims one); made from the same template as the script's.
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
          JSON.writeValueAsString(incoming.headers()),
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
        + " :delays::bigint[]) AS m(message_id, headers, body, delay_ms)"
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
   * {@code QueueStore}'s delivery count, committed on its own without waiting for the flush. Pump
   * starts the scan shortly before the last message it found (and from the head once a second);
   * pgbench's clients keep no such state, so the baseline always scans from the head, which costs
   * the same while vacuum keeps up (no long transaction in this scenario).
   */
  private static String countDelivery() {
    return "UPDATE "
        + QUEUE
        + " SET attempts = attempts + 1,"
        + " leased_until = now() + :lease_ms * interval '1 millisecond'"
        + " WHERE (queue, visible_at, id) = (SELECT queue, visible_at, id FROM "
        + QUEUE
        + " WHERE queue = :in_queue AND visible_at >= coalesce(CAST(NULL AS timestamptz),"
        + " '-infinity') AND visible_at <= now()"
        + " AND (leased_until IS NULL OR leased_until <= now()) ORDER BY visible_at, id"
        + " LIMIT 1 FOR UPDATE SKIP LOCKED)"
        + " RETURNING id, visible_at, attempts, set_config('synchronous_commit', 'off', true)";
  }

  /** {@code QueueStore}'s claim: the delete inside the handler's transaction. */
  private static String claim() {
    return "DELETE FROM "
        + QUEUE
        + " WHERE queue = :in_queue AND visible_at = :visible_at AND id = :id"
        + " AND attempts = :attempts"
        + " RETURNING id, queue, message_id, headers::text AS headers, body, attempts,"
        + " enqueued_at, visible_at";
  }

  /** {@code InboxStore}'s record. */
  private static String inbox(String messageId) {
    return "INSERT INTO "
        + SCHEMA
        + ".inbox AS i (endpoint, message_id) VALUES (:endpoint, "
        + messageId
        + ") ON CONFLICT (endpoint, message_id) DO UPDATE"
        + " SET duplicates = i.duplicates + 1, last_duplicate_at = now()"
        + " RETURNING (xmax = 0) AS first_time";
  }

  /** {@code OutboxStore}'s insert of the one message the handler sends. */
  private static String outbox(String causationId) {
    return "INSERT INTO "
        + OUTBOX
        + " (endpoint, causation_id, kind, destination, topics, message_id, headers, body,"
        + " due_at, ordering_key)"
        + " SELECT :endpoint, "
        + causationId
        + ", m.kind, m.destination,"
        + " CASE WHEN m.kind = 'publish' THEN string_to_array(m.topics, ',') END,"
        + " m.message_id, m.headers::jsonb, m.body,"
        + " clock_timestamp() + m.delay_ms * interval '1 millisecond', m.ordering_key"
        + " FROM unnest(:kinds::text[], :destinations::text[], :topics::text[],"
        + " :message_ids::text[], :headers::text[], :bodies::bytea[], :delays::bigint[],"
        + " :ordering_keys::text[])"
        + " AS m(kind, destination, topics, message_id, headers, body, delay_ms, ordering_key)";
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
    return "WITH claimed AS ("
        + claim
        + ") SELECT coalesce(array_agg(id), '{}') AS ids,"
        + " coalesce(array_agg(message_id), '{}') AS out_ids,"
        + " coalesce(array_agg(headers), '{}') AS out_headers,"
        + " coalesce(array_agg(body), '{}') AS out_bodies,"
        + " coalesce(array_agg(0::bigint), '{}') AS out_delays,"
        + " count(*) AS claimed FROM claimed";
  }

  private static String array(String element) {
    return "{\"" + element.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
  }
}
