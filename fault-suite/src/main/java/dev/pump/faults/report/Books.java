package dev.pump.faults.report;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.faults.sut.Sut;
import dev.pump.faults.sut.SutMain;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.migrations.SchemaName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The books checker: reads the database alone after a run and says whether every message had its
 * effect exactly once and every committed outbox row was delivered.
 *
 * <p>Rules, each a query whose rows are violations:
 *
 * <ul>
 *   <li><b>input-not-once</b>: every accepted input (an id in {@code fault_input}, or a poison row
 *       expected to be handled) has exactly one {@code orders} business row;
 *   <li><b>effect-twice</b>: no (endpoint, message id) has more than one business row;
 *   <li><b>effect-without-inbox</b> / <b>inbox-without-effect</b>: business row and inbox row of a
 *       message commit together or not at all;
 *   <li><b>undelivered</b>: every committed outbox row is dispatched (pending or parked rows are
 *       violations when the run is settled);
 *   <li><b>lost</b>: every dispatched outbox row reached each of its receivers' inboxes (a send its
 *       destination; a publish every queue subscribed to one of its topics) or still waits in that
 *       queue ({@code queued} when the run should be settled);
 *   <li><b>repeat-not-absorbed</b>: an input sent k times has k - 1 inbox duplicates at least;
 *   <li><b>effect-without-cause</b>, <b>outbox-without-cause</b>, <b>queue-without-cause</b>: a
 *       business row, outbox row or queue message whose cause (ledger row, committed incoming
 *       message, outbox row) does not exist;
 *   <li><b>unexpected-error</b> / <b>poison-not-parked</b> / <b>unreadable-reason</b>: the error
 *       queue holds exactly the poison rows expected there, each with a failure reason and an
 *       exception message (a broker's error queue is transcribed by the harness into {@code
 *       fault_broker_error});
 *   <li><b>stuck</b>: an outbox row pending whose due time passed more than {@code stuckAfter} ago,
 *       or a queue message visible for that long. A dispatcher that fails a row moves its due time
 *       forward (back-off), so a due time long past means no dispatcher is working on it.
 * </ul>
 */
public final class Books {
  private static final boolean EXPLAIN = Boolean.getBoolean("faults.books.timing");

  private Books() {}

  /**
   * Checks the books.
   *
   * @param settled the run is over and everything should have arrived: pending rows and queued
   *     messages count as violations
   * @param stuckAfter how long past its due time a row or message may wait before it is stuck
   */
  public static Verdict check(Jdbi jdbi, SchemaName schema, boolean settled, Duration stuckAfter) {
    return jdbi.withHandle(h -> check(h, schema, settled, stuckAfter));
  }

  private static Verdict check(Handle h, SchemaName s, boolean settled, Duration stuckAfter) {
    String inbox = s.table("inbox");
    String outbox = s.table("outbox");
    String queue = s.table("queue_message");
    String subs = s.table("subscription");
    long stuckMs = stuckAfter.toMillis();
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("inputs", one(h, "SELECT count(DISTINCT message_id) FROM fault_input"));
    counts.put("copies", one(h, "SELECT count(*) FROM fault_input"));
    for (String e : Sut.ENDPOINTS) {
      counts.put(e, one(h, "SELECT count(*) FROM fault_effect WHERE endpoint = '" + e + "'"));
    }
    counts.put("outbox", one(h, "SELECT count(*) FROM " + outbox));
    counts.put(
        "dispatched",
        one(h, "SELECT count(*) FROM " + outbox + " WHERE dispatched_at IS NOT NULL"));
    counts.put("parked", one(h, "SELECT count(*) FROM " + outbox + " WHERE parked_at IS NOT NULL"));
    counts.put("absorbed", one(h, "SELECT coalesce(sum(duplicates), 0) FROM " + inbox));
    counts.put("errorQueue", one(h, "SELECT count(*) FROM " + queue + " WHERE queue = 'error'"));
    counts.put("poison", one(h, "SELECT count(*) FROM fault_poison"));
    // how much was handled in batches: effects that share their transaction with another
    counts.put(
        "batched",
        one(
            h,
            "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM fault_effect GROUP BY tx"
                + " HAVING count(*) > 1) AS b"));
    counts.put(
        "largestBatch",
        one(
            h,
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM fault_effect GROUP BY tx) b"));

    // every outbox row with each of its receivers: a send its destination, a publish the queues
    // subscribed to any of its topics
    String targets =
        "(SELECT x.*, coalesce(r.endpoint, x.target_queue) AS target FROM"
            + " (SELECT o.*, o.destination AS target_queue FROM "
            + outbox
            + " o WHERE o.kind = 'send'"
            + " UNION ALL SELECT o.*, s.queue FROM "
            + outbox
            + " o JOIN (SELECT topic, queue FROM "
            + subs
            + " UNION SELECT topic, queue FROM fault_topic) s ON s.topic = ANY (o.topics)"
            + " WHERE o.kind = 'publish') x LEFT JOIN fault_route r ON r.queue = x.target_queue)";
    String accepted =
        "(SELECT message_id FROM fault_input UNION SELECT message_id FROM fault_poison"
            + " WHERE expect = 'handled')";
    Map<String, String> rules = new LinkedHashMap<>();
    rules.put(
        "input-not-once",
        "SELECT a.message_id || ' x' || count(e.id) FROM "
            + accepted
            + " a LEFT JOIN fault_effect e"
            + " ON e.endpoint = 'orders' AND e.message_id = a.message_id"
            + " GROUP BY a.message_id HAVING count(e.id) <> 1");
    rules.put(
        "effect-twice",
        "SELECT endpoint || '/' || message_id || ' x' || count(*) FROM fault_effect"
            + " GROUP BY endpoint, message_id HAVING count(*) > 1");
    rules.put(
        "effect-without-inbox",
        "SELECT e.endpoint || '/' || e.message_id FROM fault_effect e WHERE NOT EXISTS"
            + " (SELECT 1 FROM "
            + inbox
            + " i WHERE i.endpoint = e.endpoint AND i.message_id = e.message_id)");
    rules.put(
        "inbox-without-effect",
        "SELECT i.endpoint || '/' || i.message_id FROM "
            + inbox
            + " i WHERE NOT EXISTS"
            + " (SELECT 1 FROM fault_effect e WHERE e.endpoint = i.endpoint AND e.message_id = i.message_id)");
    rules.put(
        "undelivered",
        "SELECT id || ' to ' || destination || CASE WHEN parked_at IS NULL THEN ' pending'"
            + " ELSE ' parked: ' || coalesce(last_error, '?') END"
            + " FROM "
            + outbox
            + " WHERE dispatched_at IS NULL"
            + (settled ? "" : " AND false"));
    rules.put(
        "lost",
        "SELECT t.message_id || ' to ' || t.target FROM "
            + targets
            + " t WHERE t.dispatched_at IS NOT NULL"
            + " AND NOT EXISTS (SELECT 1 FROM "
            + inbox
            + " i WHERE i.endpoint = t.target AND i.message_id = t.message_id)"
            + " AND NOT EXISTS (SELECT 1 FROM "
            + queue
            + " q WHERE q.queue = t.target_queue AND q.message_id = t.message_id)"
            + " AND NOT EXISTS (SELECT 1 FROM fault_poison p"
            + " WHERE p.message_id = t.message_id AND p.expect = 'error')");
    rules.put(
        "queued",
        "SELECT queue || '/' || message_id FROM "
            + queue
            + " WHERE queue <> 'error'"
            + (settled ? "" : " AND false"));
    rules.put(
        "repeat-not-absorbed",
        "SELECT f.message_id || ' sent ' || f.n || ', duplicates ' || coalesce(i.duplicates, -1)"
            + " FROM (SELECT message_id, count(*) AS n FROM fault_input GROUP BY message_id) f"
            + " LEFT JOIN "
            + inbox
            + " i ON i.endpoint = 'orders' AND i.message_id = f.message_id"
            + " WHERE coalesce(i.duplicates, -1) < f.n - 1");
    // each rule is one anti-join (no OR across subqueries: that turns into a nested loop)
    rules.put(
        "effect-without-cause",
        "SELECT e.endpoint || '/' || e.message_id FROM fault_effect e WHERE e.endpoint = 'orders'"
            + " AND NOT EXISTS (SELECT 1 FROM "
            + accepted
            + " a WHERE a.message_id = e.message_id)"
            + " UNION ALL SELECT e.endpoint || '/' || e.message_id FROM fault_effect e"
            + " WHERE e.endpoint <> 'orders' AND NOT EXISTS (SELECT 1 FROM "
            + targets
            + " t WHERE t.target = e.endpoint AND t.message_id = e.message_id)");
    rules.put(
        "outbox-without-cause",
        "SELECT o.id || ' from ' || o.endpoint FROM "
            + outbox
            + " o WHERE o.endpoint = 'web'"
            + " AND NOT EXISTS (SELECT 1 FROM fault_input f WHERE f.message_id = o.message_id)"
            + " AND NOT EXISTS (SELECT 1 FROM fault_poison p WHERE p.message_id = o.message_id)"
            + " UNION ALL SELECT o.id || ' from ' || o.endpoint FROM "
            + outbox
            + " o"
            + " WHERE o.endpoint <> 'web' AND NOT EXISTS (SELECT 1 FROM fault_effect e"
            + " WHERE e.endpoint = o.endpoint AND e.message_id = o.causation_id)");
    rules.put(
        "queue-without-cause",
        "SELECT q.queue || '/' || q.message_id FROM "
            + queue
            + " q WHERE q.queue <> 'error'"
            + " AND NOT EXISTS (SELECT 1 FROM "
            + targets
            + " t WHERE t.target_queue = q.queue AND t.message_id = q.message_id)"
            + " AND NOT EXISTS (SELECT 1 FROM fault_poison p WHERE p.queue = q.queue AND p.message_id = q.message_id)");
    rules.put(
        "unexpected-error",
        "SELECT q.message_id || ': ' || coalesce(q.headers ->> 'pump.failure.exception-message', '?')"
            + " FROM "
            + queue
            + " q WHERE q.queue = 'error' AND NOT EXISTS"
            + " (SELECT 1 FROM fault_poison p WHERE p.message_id = q.message_id AND p.expect = 'error')");
    rules.put(
        "poison-not-parked",
        "SELECT p.kind || '/' || p.message_id FROM fault_poison p WHERE p.expect = 'error' AND NOT EXISTS"
            + " (SELECT 1 FROM "
            + queue
            + " q WHERE q.queue = 'error' AND q.message_id = p.message_id)"
            + " AND NOT EXISTS (SELECT 1 FROM fault_broker_error b WHERE b.message_id = p.message_id)");
    rules.put(
        "unreadable-reason",
        "SELECT q.message_id FROM "
            + queue
            + " q WHERE q.queue = 'error'"
            + " AND (coalesce(q.headers ->> 'pump.failure.reason', '') = ''"
            + " OR coalesce(q.headers ->> 'pump.failure.exception-message', '') = '')");
    rules.put(
        "stuck",
        "SELECT 'outbox ' || id || ' to ' || destination FROM "
            + outbox
            + " WHERE dispatched_at IS NULL AND parked_at IS NULL"
            + " AND due_at < now() - make_interval(secs => "
            + stuckMs / 1000.0
            + ")"
            + " UNION ALL SELECT 'queue ' || queue || '/' || message_id FROM "
            + queue
            // a message being handled keeps its visible_at; its lease says it is not stuck
            + " WHERE queue <> 'error' AND greatest(visible_at, leased_until) < now()"
            + " - make_interval(secs => "
            + stuckMs / 1000.0
            + ")");

    List<Verdict.Violation> violations = new ArrayList<>();
    if (EXPLAIN) {
      rules.forEach((rule, sql) -> {
        long started = System.nanoTime();
        h.createQuery(sql).mapTo(String.class).list();
        System.err.printf(
            "books rule %s: %d ms%n", rule, (System.nanoTime() - started) / 1_000_000);
      });
    }
    for (Map.Entry<String, String> rule : rules.entrySet()) {
      List<String> found = h.createQuery(rule.getValue()).mapTo(String.class).list();
      if (!found.isEmpty()) {
        violations.add(
            new Verdict.Violation(rule.getKey(), found.size(), found.stream().limit(5).toList()));
      }
    }
    return new Verdict(counts, violations);
  }

  private static long one(Handle h, String sql) {
    Long value = h.createQuery(sql).mapTo(Long.class).one();
    return value == null ? 0 : value;
  }

  /**
   * Checks the books of the database at {@code --jdbc-url}, prints the one-line verdict and exits
   * with 1 on any violation: {@code java -cp ... dev.pump.faults.Books --jdbc-url URL [--user U]
   * [--password P] [--schema pump] [--settled true] [--stuck-after-seconds 30]}.
   */
  public static void main(String[] args) {
    Map<String, String> options = SutMain.options(args);
    try (HikariDataSource pool =
        PumpDataSources.pooled(
            SutMain.required(options, "jdbc-url"),
            options.getOrDefault("user", "postgres"),
            options.getOrDefault("password", ""),
            2)) {
      Verdict verdict =
          check(
              Jdbi.create(pool),
              SchemaName.of(options.getOrDefault("schema", SchemaName.DEFAULT_SCHEMA)),
              Boolean.parseBoolean(options.getOrDefault("settled", "true")),
              Duration.ofSeconds(
                  Long.parseLong(options.getOrDefault("stuck-after-seconds", "30"))));
      System.out.println(verdict.line());
      if (!verdict.clean()) {
        System.exit(1);
      }
    }
  }
}
