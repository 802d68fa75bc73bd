package dev.pump.faults.scenario;

import dev.pump.core.Endpoint;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.recoverability.FailedMessages;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.sut.Messages.PlaceOrder;
import dev.pump.jdbc.JdbcStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/**
 * hostile-configuration: schema, queue, endpoint and destination names built to break SQL or fool a
 * reader (quotes, semicolons, comment markers, whitespace, NUL, Unicode look-alikes and invisible
 * characters, excessive length) are passed to every place that takes a name. Each must be refused
 * with a {@link PumpConfigurationException} that names the setting; the catalog ({@code pg_class}
 * joined to {@code pg_namespace}) and the rows of Pump's tables must be the same afterwards.
 */
public final class HostileConfiguration {
  private HostileConfiguration() {}

  /** Names no identifier rule should let through. */
  public static final List<String> HOSTILE =
      List.of(
          "pump\"; DROP SCHEMA public CASCADE; --",
          "orders'; DELETE FROM pump.inbox; --",
          "orders;drop",
          "orders/*x*/",
          "orders --",
          "orders\u0000x",
          "orders\n",
          " orders",
          "",
          "x".repeat(201),
          "ord\u0435rs", // Cyrillic e
          "\uff2f\uff32\uff24\uff25\uff32\uff33", // fullwidth ORDERS
          "orders\u200b", // zero-width space
          "orders\u202e", // right-to-left override
          "$1",
          "%s",
          "a\\b",
          "\"orders\"",
          "'orders'");

  /** Schema names that must be refused in addition to {@link #HOSTILE}. */
  public static final List<String> HOSTILE_SCHEMAS =
      List.of(
          "pg_catalog",
          "information_schema",
          "pg_temp",
          "PUMP",
          "p".repeat(64),
          "pump-x",
          "pump.x");

  /** One attempt and what came of it. */
  public record Attempt(String place, String name, boolean refused, String error) {}

  /** Tries every hostile name in every place; returns the outcome with each attempt. */
  public static Outcome run(FaultDatabase server, String name) throws Exception {
    try (Harness harness = new Harness(server, name)) {
      Jdbi jdbi = harness.storage().jdbi();
      Set<String> before = catalog(jdbi);
      List<Attempt> attempts = new ArrayList<>();
      List<String> schemas = new ArrayList<>(HOSTILE);
      schemas.addAll(HOSTILE_SCHEMAS);
      for (String schema : schemas) {
        attempts.add(
            attempt(
                "storage.schema",
                schema,
                () ->
                    JdbcStorage.builder()
                        .dataSource(harness.storage().dataSource())
                        .schema(schema)
                        .build()));
      }
      for (String hostile : HOSTILE) {
        attempts.add(
            attempt(
                "endpoint.name",
                hostile,
                () -> Endpoint.builder().name(hostile).transport(harness.transport()).build()));
        attempts.add(
            attempt(
                "endpoint.inputQueue",
                hostile,
                () ->
                    Endpoint.builder()
                        .name("ok")
                        .inputQueue(hostile)
                        .transport(harness.transport())
                        .build()));
        attempts.add(
            attempt(
                "recoverability.errorQueue",
                hostile,
                () -> Recoverability.builder().errorQueue(hostile).build()));
        attempts.add(
            attempt(
                "endpoint.route",
                hostile,
                () ->
                    Endpoint.builder()
                        .name("ok")
                        .transport(harness.transport())
                        .route(PlaceOrder.class, hostile)
                        .build()));
        attempts.add(
            attempt(
                "session send destination",
                hostile,
                () ->
                    harness
                        .storage()
                        .inTransaction(
                            harness.web(),
                            (h, sender) -> {
                              sender.send(hostile, new PlaceOrder("x", "hostile"));
                              return null;
                            })));
        attempts.add(
            attempt(
                "transport.send queue",
                hostile,
                () ->
                    harness
                        .transport()
                        .send(
                            hostile,
                            List.of(OutgoingMessage.of("m-1", Map.of(), new byte[] {'{', '}'})))));
        attempts.add(
            attempt(
                "transport.subscribe topic",
                hostile,
                () -> harness.transport().subscribe(hostile, "ok")));
        attempts.add(
            attempt(
                "transport.subscribe queue",
                hostile,
                () -> harness.transport().subscribe("ok", hostile)));
        attempts.add(
            attempt(
                "transport.createQueue queue",
                hostile,
                () -> harness.transport().createQueue(hostile)));
        attempts.add(
            attempt(
                "transport.receive queue",
                hostile,
                () -> harness.transport().receive(hostile, Duration.ZERO)));
        attempts.add(
            attempt(
                "failedMessages errorQueue",
                hostile,
                () -> FailedMessages.of(harness.transport(), hostile)));
      }
      Set<String> after = catalog(jdbi);
      List<Attempt> accepted = attempts.stream().filter(a -> !a.refused()).toList();
      List<Attempt> unclear = attempts.stream().filter(a -> a.refused() && !clear(a)).toList();
      Set<String> added = new TreeSet<>(after);
      added.removeAll(before);
      Set<String> removed = new TreeSet<>(before);
      removed.removeAll(after);
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("attempts", attempts.size());
      facts.put("refused", attempts.size() - accepted.size());
      facts.put(
          "accepted", accepted.stream().map(a -> a.place() + " " + printable(a.name())).toList());
      facts.put(
          "unclearErrors",
          unclear.stream().map(a -> a.place() + ": " + a.error()).limit(5).toList());
      facts.put("catalogAdded", added);
      facts.put("catalogRemoved", removed);
      facts.put(
          "expectationsMet",
          accepted.isEmpty() && unclear.isEmpty() && added.isEmpty() && removed.isEmpty());
      return new Outcome(name, harness.books(), facts);
    }
  }

  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  private static Attempt attempt(String place, String name, Action action) {
    try {
      action.run();
      return new Attempt(place, name, false, null);
    } catch (PumpConfigurationException e) {
      return new Attempt(place, name, true, e.getMessage());
    } catch (Exception e) {
      return new Attempt(place, name, false, e.getClass().getName() + ": " + e.getMessage());
    }
  }

  /** The error names what was wrong: a setting or "name"/"queue"/"schema"/"destination". */
  private static boolean clear(Attempt a) {
    String error = a.error() == null ? "" : a.error().toLowerCase(java.util.Locale.ROOT);
    return error.contains("schema")
        || error.contains("name")
        || error.contains("queue")
        || error.contains("destination")
        || error.contains("topic")
        || error.contains("route");
  }

  /** Every relation and schema, with its kind, and the row counts of Pump's tables. */
  static Set<String> catalog(Jdbi jdbi) {
    return jdbi.withHandle(h -> {
      Set<String> rows =
          new TreeSet<>(
              h.createQuery(
                      "SELECT n.nspname || '.' || coalesce(c.relname, '') || ':' || coalesce(c.relkind::text, 'n')"
                          + " FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid"
                          + " WHERE n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'")
                  .mapTo(String.class)
                  .list());
      for (String table : List.of("queue_message", "inbox", "outbox", "subscription")) {
        rows.add(
            "rows pump."
                + table
                + "="
                + h.createQuery("SELECT count(*) FROM pump." + table).mapTo(Long.class).one());
      }
      return rows;
    });
  }

  static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints()
        .limit(40)
        .forEach(cp -> {
          if (cp < 0x20 || cp > 0x7e) {
            out.append(String.format("\\u%04x", cp));
          } else {
            out.appendCodePoint(cp);
          }
        });
    return out + (name.length() > 40 ? "...(" + name.length() + ")" : "");
  }
}
