package dev.pump.benchmarks.harness;

import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The business side every system under test does the same way. */
public final class Workload {
  private Workload() {}

  static final int PAYLOAD_CHARS = 200;

  /** The payload of every message and business row: the same bytes for every system. */
  public static final String PAYLOAD = "x".repeat(PAYLOAD_CHARS);

  public static final String BUSINESS_TABLE = Database.BENCH_SCHEMA + ".business";

  /** The application's own write, one per transaction. */
  public static final String BUSINESS_INSERT =
      "INSERT INTO " + BUSINESS_TABLE + " (order_id, payload) VALUES (?, ?)";

  /** Headers of messages that did not come through Pump (the gruelbox and naive sends). */
  public static final Map<String, String> PLAIN_HEADERS =
      Map.of("pump.content-type", "application/json", "pump.enclosed-types", "OrderPlaced");

  /** Creates the schemas and tables the benchmarks use (Pump's are migrated by its storage). */
  public static void createTables(Jdbi jdbi) {
    jdbi.useHandle(h -> {
      h.execute("DROP SCHEMA IF EXISTS " + Database.BENCH_SCHEMA + " CASCADE");
      h.execute("DROP SCHEMA IF EXISTS " + Database.GRUELBOX_SCHEMA + " CASCADE");
      h.execute("DROP SCHEMA IF EXISTS " + Database.PUMP_SCHEMA + " CASCADE");
      h.execute("CREATE SCHEMA " + Database.BENCH_SCHEMA);
      h.execute("CREATE SCHEMA " + Database.GRUELBOX_SCHEMA);
      h.execute(
          "CREATE TABLE "
              + BUSINESS_TABLE
              + " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id bigint NOT NULL,"
              + " payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
    });
  }

  /** Empties the tables a measurement writes, so each starts from the same state. */
  public static void truncate(Jdbi jdbi, String... tables) {
    jdbi.useHandle(h -> {
      for (String table : tables) {
        h.execute("TRUNCATE " + table);
      }
    });
  }
}
