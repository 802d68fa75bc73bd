package dev.pump.faults.scenario;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.core.serialization.JsonSerializer;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.harness.LoadGenerator;
import dev.pump.faults.harness.Waits;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.sut.CrashPlan;
import dev.pump.faults.sut.Messages.ChargeOrder;
import dev.pump.faults.sut.Messages.PlaceOrder;
import dev.pump.faults.sut.Sut;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.jdbc.PumpDataSources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * poison-input: hostile rows put straight into the queue table, bypassing every sender-side check,
 * while ordinary load runs: bodies that are not JSON, JSON of the wrong shape, unknown and JDK
 * types, missing, garbage and wrongly typed headers, a wrong content type, oversized and zero-byte
 * bodies, invalid UTF-8, and message ids that collide with ids another endpoint (or the same one)
 * already handled. Each is recorded in {@code fault_poison} with its expected outcome, and the
 * books check that every one expected in the error queue is there with a readable reason, that the
 * rest were handled once, and that the ordinary load was not disturbed. The endpoints run in this
 * process: the faults here are in the data, not in the processes.
 */
public final class PoisonInput {
  private PoisonInput() {}

  /** One hostile row. */
  private record Poison(
      String kind, String queue, String id, String headers, byte[] body, String expect) {}

  /** Runs the scenario on a fresh database of {@code server}. */
  public static Outcome run(FaultDatabase server, String name, int inputs, long seed)
      throws Exception {
    try (Harness harness = new Harness(server, name);
        HikariDataSource pool =
            PumpDataSources.pooled(harness.jdbcUrl(), server.user(), server.password(), 20)) {
      JdbcStorage storage = JdbcStorage.builder().dataSource(pool).migrate(false).build();
      List<Endpoint> endpoints = new ArrayList<>();
      try (PostgresTransport transport = PostgresTransport.builder().storage(storage).build()) {
        for (String role : Sut.ENDPOINTS) {
          endpoints.add(Sut.endpoint(role, storage, transport, CrashPlan.never()));
        }
        OutboxDispatcher dispatcher =
            Sut.dispatcher(storage, transport, CrashPlan.never(), Set.of(), 10);
        List<Endpoint> started = Sut.startInOrder(endpoints);
        dispatcher.start();
        try {
          // some ordinary traffic first, so ids exist to collide with
          new LoadGenerator(harness.storage(), harness.web(), 20, 0, seed, 0).run();
          Waits.until(() -> harness.settled(20), Duration.ofMinutes(1), () -> {});
          List<Poison> poisons = poisons(harness);
          Thread load =
              Thread.ofPlatform()
                  .start(
                      new LoadGenerator(harness.storage(), harness.web(), inputs, 0.1, seed, 0)
                          .prefix("load-"));
          storage.jdbi().useTransaction(h -> poisons.forEach(p -> insert(h, p)));
          long expectedErrors = poisons.stream().filter(p -> p.expect().equals("error")).count();
          boolean settled =
              Waits.until(
                  () ->
                      !load.isAlive()
                          && harness.settled(inputs + 20)
                          && harness.count(
                                  "SELECT count(*) FROM pump.queue_message WHERE queue = 'error'")
                              >= expectedErrors,
                  Duration.ofMinutes(2),
                  () -> {});
          Map<String, Object> facts = new LinkedHashMap<>();
          facts.put("seed", seed);
          facts.put("poisonRows", poisons.size());
          facts.put("expectedInErrorQueue", expectedErrors);
          facts.put("settled", settled);
          facts.put("reasons", reasons(harness));
          return new Outcome(name, harness.books(), facts);
        } finally {
          for (Endpoint endpoint : started.reversed()) {
            endpoint.stop(Duration.ofSeconds(5));
          }
          dispatcher.stop(Duration.ofSeconds(5));
        }
      }
    }
  }

  private static List<Poison> poisons(Harness harness) {
    String placeOrder = PlaceOrder.class.getName();
    String good = headers(placeOrder);
    List<Poison> list = new ArrayList<>();
    list.add(
        new Poison("not-json", "orders", "p-not-json", good, utf8("this is not json"), "error"));
    list.add(new Poison("json-array", "orders", "p-array", good, utf8("[1, 2, 3]"), "error"));
    list.add(
        new Poison(
            "wrong-shape",
            "orders",
            "p-shape",
            good,
            utf8("{\"orderId\": {\"nested\": [true]}}"),
            "error"));
    list.add(
        new Poison(
            "missing-fields", "orders", "p-missing", good, utf8("{\"unexpected\": 1}"), "error"));
    list.add(new Poison("json-null", "orders", "p-null", good, utf8("null"), "error"));
    list.add(
        new Poison(
            "unknown-type",
            "orders",
            "p-unknown",
            headers("com.example.NoSuchType"),
            utf8("{}"),
            "error"));
    list.add(
        new Poison(
            "jdk-type",
            "orders",
            "p-jdk",
            headers("java.lang.ProcessBuilder"),
            utf8("{}"),
            "error"));
    list.add(
        new Poison(
            "other-handlers-type",
            "orders",
            "p-other",
            headers(ChargeOrder.class.getName()),
            utf8("{\"orderId\":\"x\"}"),
            "error"));
    list.add(
        new Poison("no-headers", "orders", "p-no-headers", "{}", order("p-no-headers"), "error"));
    list.add(
        new Poison(
            "headers-not-object",
            "orders",
            "p-hdr-scalar",
            "\"just a string\"",
            order("p-hdr-scalar"),
            "error"));
    list.add(
        new Poison(
            "headers-wrong-types",
            "orders",
            "p-hdr-types",
            "{\""
                + Headers.ENCLOSED_TYPES
                + "\": 42, \""
                + Headers.CONTENT_TYPE
                + "\": [\"application/json\"]}",
            order("p-hdr-types"),
            "error"));
    list.add(
        new Poison(
            "wrong-content-type",
            "orders",
            "p-xml",
            "{\""
                + Headers.CONTENT_TYPE
                + "\": \"application/xml\", \""
                + Headers.ENCLOSED_TYPES
                + "\": \""
                + placeOrder
                + "\"}",
            utf8("<order/>"),
            "error"));
    list.add(new Poison("zero-bytes", "orders", "p-empty", good, new byte[0], "error"));
    list.add(
        new Poison(
            "invalid-utf8",
            "orders",
            "p-utf8",
            good,
            new byte[] {0, (byte) 0xC3, 0x28, (byte) 0xFF},
            "error"));
    byte[] huge = new byte[8 * 1024 * 1024];
    Arrays.fill(huge, (byte) '{');
    list.add(new Poison("oversized-garbage", "orders", "p-huge", good, huge, "error"));
    list.add(
        new Poison(
            "billing-not-json",
            "billing",
            "p-billing",
            headers(ChargeOrder.class.getName()),
            utf8("%%%"),
            "error"));
    // garbage in headers a handler does not need: handled as usual
    list.add(
        new Poison(
            "garbage-extra-headers",
            "orders",
            "p-extra",
            "{\""
                + Headers.CONTENT_TYPE
                + "\": \"application/json\", \""
                + Headers.ENCLOSED_TYPES
                + "\": \""
                + placeOrder
                + "\", \""
                + Headers.DELAYED_RETRIES
                + "\": \"NaN\", \""
                + Headers.FAILED_QUEUE
                + "\": \"'; DROP TABLE fault_effect; --\","
                + " \"x-\\u0007bel\": \"\\u202e\", \"\": \"empty name\"}",
            order("p-extra"),
            "handled"));
    // an id billing already handled, sent to orders: a different endpoint's inbox, so handled
    String billingId =
        harness
            .storage()
            .jdbi()
            .withHandle(h ->
                h.createQuery(
                        "SELECT message_id FROM pump.inbox WHERE endpoint = 'billing' ORDER BY message_id LIMIT 1")
                    .mapTo(String.class)
                    .one());
    list.add(
        new Poison(
            "id-of-billing-message",
            "orders",
            billingId,
            good,
            order("collide-billing"),
            "handled"));
    // an id orders already handled, now with a body nobody can read: refused before the inbox
    list.add(
        new Poison(
            "handled-id-unreadable-body", "orders", "in-3", good, utf8("not json"), "error"));
    return list;
  }

  private static void insert(Handle h, Poison p) {
    h.execute(
        "INSERT INTO pump.queue_message (queue, message_id, headers, body) VALUES (?, ?, ?::jsonb, ?)",
        p.queue(),
        p.id(),
        p.headers(),
        p.body());
    h.execute(
        "INSERT INTO fault_poison (message_id, queue, kind, expect) VALUES (?, ?, ?, ?)",
        p.id(),
        p.queue(),
        p.kind(),
        p.expect());
  }

  private static List<String> reasons(Harness harness) {
    return harness
        .storage()
        .jdbi()
        .withHandle(h ->
            h.createQuery(
                    "SELECT p.kind || ' -> ' || (q.headers ->> 'pump.failure.reason') || ': '"
                        + " || left(q.headers ->> 'pump.failure.exception-message', 160)"
                        + " FROM pump.queue_message q JOIN fault_poison p ON p.message_id = q.message_id"
                        + " WHERE q.queue = 'error' ORDER BY p.kind")
                .mapTo(String.class)
                .list());
  }

  private static String headers(String type) {
    return "{\""
        + Headers.CONTENT_TYPE
        + "\": \""
        + JsonSerializer.CONTENT_TYPE
        + "\", \""
        + Headers.ENCLOSED_TYPES
        + "\": \""
        + type
        + "\"}";
  }

  private static byte[] order(String orderId) {
    return utf8("{\"orderId\": \"" + orderId + "\", \"note\": \"poison test\"}");
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
