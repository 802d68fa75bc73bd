package dev.pump.benchmarks.harness;

import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.json.JsonMapper;

/**
 * Large backlogs made fast, in SQL: rows Pump wrote itself (through its session or its transport)
 * are the templates, and {@code generate_series} copies them with fresh message ids, so the copies
 * have exactly the columns, headers and bodies Pump writes. A million rows take seconds this way
 * instead of minutes through Pump.
 */
public final class Backlogs {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String OUTBOX = Database.PUMP_SCHEMA + ".outbox";
  private static final String QUEUE = Database.PUMP_SCHEMA + ".queue_message";

  private Backlogs() {}

  /**
   * Replaces the rows now in the outbox (the templates, e.g. one per destination) with {@code rows}
   * pending copies of them, round-robin in template order, ids {@code <prefix><n>}.
   */
  public static void multiplyOutbox(Jdbi jdbi, int rows, String prefix) {
    jdbi.useHandle(h -> {
      long lastTemplate =
          h.createQuery("SELECT coalesce(max(id), 0) AS bench_probe FROM " + OUTBOX)
              .mapTo(Long.class)
              .one();
      h.createUpdate(
              "WITH t AS (SELECT row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS n,"
                  + " o.* FROM "
                  + OUTBOX
                  + " o WHERE id <= :last)"
                  + " INSERT INTO "
                  + OUTBOX
                  + " (endpoint, causation_id, kind, destination, topics, message_id, headers,"
                  + " body, due_at, ordering_key)"
                  + " SELECT t.endpoint, t.causation_id, t.kind, t.destination, t.topics,"
                  + " :prefix::text || g, jsonb_set(t.headers, :path::text[], to_jsonb(:prefix::text || g)),"
                  + " t.body, now(), t.ordering_key"
                  + " FROM generate_series(0, :rows - 1) AS g JOIN t ON t.k = g % t.n ORDER BY g")
          .bind("last", lastTemplate)
          .bind("prefix", prefix)
          .bind("path", "{" + Headers.MESSAGE_ID + "}")
          .bind("rows", rows)
          .execute();
      h.execute("DELETE FROM " + OUTBOX + " WHERE id <= ?", lastTemplate);
    });
  }

  /**
   * Enqueues {@code rows} copies of {@code template} into {@code queue}, ids {@code <prefix><n>}.
   */
  public static void fillQueue(
      Jdbi jdbi, String queue, OutgoingMessage template, int rows, String prefix) {
    jdbi.useHandle(h ->
        h.createUpdate(
                "INSERT INTO "
                    + QUEUE
                    + " (queue, message_id, headers, body)"
                    + " SELECT :queue, :prefix::text || g,"
                    + " jsonb_set(:headers::jsonb, :path::text[], to_jsonb(:prefix::text || g)), :body"
                    + " FROM generate_series(1, :rows) AS g")
            .bind("queue", queue)
            .bind("prefix", prefix)
            .bind("headers", JSON.writeValueAsString(template.headers()))
            .bind("path", "{" + Headers.MESSAGE_ID + "}")
            .bind("body", template.body())
            .bind("rows", rows)
            .execute());
  }
}
