package dev.pump.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PumpMigrationsTest {
  /** The newest schema version, and how many migrations lead to it. */
  static final String LATEST_VERSION = "6";

  static final int MIGRATIONS = 6;

  @Test
  void migratesAFreshDatabaseToTheLatestVersion(TestDatabase db) throws SQLException {
    PumpMigrations.Report report = PumpMigrations.migrate(db.dataSource(), "fresh");

    assertThat(report.schema()).isEqualTo(SchemaName.of("fresh"));
    assertThat(report.version()).isEqualTo(LATEST_VERSION);
    assertThat(report.migrationsApplied()).isEqualTo(MIGRATIONS);
    assertThat(tables(db, "fresh"))
        .containsExactlyInAnyOrder(
            "queue_message",
            "inbox",
            "outbox",
            "subscription",
            "redelivery",
            "discarded_message",
            PumpMigrations.HISTORY_TABLE);
    assertThat(views(db, "fresh"))
        .containsExactlyInAnyOrder(
            "audit_outbox",
            "audit_outbox_pending",
            "audit_outbox_failures",
            "audit_error_queue",
            "audit_inbox_duplicates");
  }

  @Test
  void createsEveryTableWithItsColumns(TestDatabase db) throws SQLException {
    PumpMigrations.migrate(db.dataSource(), "columns");

    assertThat(columns(db, "columns", "queue_message"))
        .containsExactly(
            "id bigint",
            "queue text",
            "message_id text",
            "headers jsonb",
            "body bytea",
            "enqueued_at timestamp with time zone",
            "visible_at timestamp with time zone",
            "attempts integer",
            "leased_until timestamp with time zone");
    assertThat(columns(db, "columns", "inbox"))
        .containsExactly(
            "endpoint text",
            "message_id text",
            "processed_at timestamp with time zone",
            "duplicates integer",
            "last_duplicate_at timestamp with time zone");
    assertThat(columns(db, "columns", "outbox"))
        .containsExactly(
            "id bigint",
            "endpoint text",
            "causation_id text",
            "kind text",
            "destination text",
            "topics ARRAY",
            "message_id text",
            "headers jsonb",
            "body bytea",
            "ordering_key text",
            "created_at timestamp with time zone",
            "due_at timestamp with time zone",
            "attempts integer",
            "last_error text",
            "dispatched_at timestamp with time zone",
            "parked_at timestamp with time zone");
    assertThat(columns(db, "columns", "subscription"))
        .containsExactly("topic text", "queue text", "created_at timestamp with time zone");
    assertThat(columns(db, "columns", "redelivery"))
        .containsExactly(
            "endpoint text",
            "message_id text",
            "redeliveries integer",
            "last_started_at timestamp with time zone");
  }

  @Test
  void createsAnIndexForEveryAccessPath(TestDatabase db) throws SQLException {
    PumpMigrations.migrate(db.dataSource(), "indexed");

    Map<String, String> indexes = indexes(db, "indexed");

    // claim due messages by queue
    assertThat(indexes.get("queue_message_claim_idx")).contains("(queue, visible_at, id)");
    // inbox deduplication
    assertThat(indexes.get("inbox_pkey")).contains("UNIQUE").contains("(endpoint, message_id)");
    // retention purge of the inbox by time
    assertThat(indexes.get("inbox_processed_at_idx")).contains("(processed_at)");
    // claim pending outbox rows that are due
    assertThat(indexes.get("outbox_pending_idx"))
        .contains("(due_at, id)")
        .contains("WHERE ((dispatched_at IS NULL) AND (parked_at IS NULL))");
    // retention purge of dispatched outbox rows
    assertThat(indexes.get("outbox_dispatched_at_idx"))
        .contains("(dispatched_at)")
        .contains("WHERE (dispatched_at IS NOT NULL)");
    // operators' list of parked rows, and the audit by causation id
    assertThat(indexes.get("outbox_parked_idx")).contains("(destination, parked_at)");
    // (only rows sent while handling a message have one: the audit looks up no other)
    assertThat(indexes.get("outbox_causation_idx"))
        .contains("(causation_id)")
        .contains("WHERE (causation_id IS NOT NULL)");
    // keyed rows look for an earlier pending row of their key
    assertThat(indexes.get("outbox_ordering_idx")).contains("(ordering_key, id)");
    // redeliveries counted by message id, and their retention purge by time
    assertThat(indexes.get("redelivery_pkey"))
        .contains("UNIQUE")
        .contains("(endpoint, message_id)");
    assertThat(indexes.get("redelivery_last_started_at_idx")).contains("(last_started_at)");
    // publish resolves subscribers by topic
    assertThat(indexes.get("subscription_pkey")).contains("UNIQUE").contains("(topic, queue)");
  }

  @Test
  void migratingTwiceChangesNothing(TestDatabase db) throws SQLException {
    PumpMigrations.migrate(db.dataSource(), "twice");
    List<String> catalogBefore = catalog(db, "twice");
    String history = "SELECT count(*) FROM twice." + PumpMigrations.HISTORY_TABLE;
    long historyBefore = count(db, history);

    PumpMigrations.Report second = PumpMigrations.migrate(db.dataSource(), "twice");

    assertThat(second.migrationsApplied()).isZero();
    assertThat(second.version()).isEqualTo(LATEST_VERSION);
    assertThat(catalog(db, "twice")).isEqualTo(catalogBefore);
    assertThat(count(db, history)).isEqualTo(historyBefore);
  }

  @Test
  void instancesMigratingAtTheSameMomentApplyEachMigrationOnce(TestDatabase db) throws Exception {
    try (ExecutorService executor = Executors.newFixedThreadPool(3)) {
      List<Future<PumpMigrations.Report>> reports = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        reports.add(executor.submit(() -> PumpMigrations.migrate(db.dataSource(), "racing")));
      }
      int applied = 0;
      for (Future<PumpMigrations.Report> report : reports) {
        assertThat(report.get().version()).isEqualTo(LATEST_VERSION);
        applied += report.get().migrationsApplied();
      }
      assertThat(applied).isEqualTo(MIGRATIONS);
    }
    assertThat(
            strings(
                db,
                "SELECT string_agg(version, ',' ORDER BY installed_rank) FROM racing."
                    + PumpMigrations.HISTORY_TABLE))
        .containsExactly("1,2,3,4,5,6");
  }

  @Test
  void twoSchemasLiveSideBySideInOneDatabase(TestDatabase db) throws SQLException {
    PumpMigrations.migrate(db.dataSource(), "tenant_a");
    PumpMigrations.migrate(db.dataSource(), "tenant_b");

    execute(
        db,
        "INSERT INTO tenant_a.inbox (endpoint, message_id) VALUES ('orders', 'm-1')",
        "INSERT INTO tenant_b.inbox (endpoint, message_id) VALUES ('orders', 'm-1')",
        "INSERT INTO tenant_b.inbox (endpoint, message_id) VALUES ('orders', 'm-2')");

    assertThat(count(db, "SELECT count(*) FROM tenant_a.inbox")).isEqualTo(1);
    assertThat(count(db, "SELECT count(*) FROM tenant_b.inbox")).isEqualTo(2);
    assertThat(tables(db, "tenant_a")).isEqualTo(tables(db, "tenant_b"));
  }

  @Test
  void theHistoryStaysInsideThePumpSchema(TestDatabase db) throws SQLException {
    PumpMigrations.migrate(db.dataSource());

    assertThat(tables(db, SchemaName.DEFAULT_SCHEMA)).contains(PumpMigrations.HISTORY_TABLE);
    assertThat(tables(db, "public")).isEmpty();
    assertThat(views(db, "public")).isEmpty();
  }

  @Test
  void aValidNameThatIsAnSqlKeywordWorksBecauseSqlQuotesIt(TestDatabase db) throws SQLException {
    PumpMigrations.Report report = PumpMigrations.migrate(db.dataSource(), "user");

    assertThat(report.migrationsApplied()).isEqualTo(MIGRATIONS);
    assertThat(tables(db, "user")).contains("outbox", "inbox");
    assertThat(views(db, "user")).contains("audit_outbox");
  }

  @Test
  void theSchemaEnforcesItsInvariants(TestDatabase db) throws SQLException {
    PumpMigrations.migrate(db.dataSource(), "checked");

    assertThat(
            failure(
                db,
                "INSERT INTO checked.outbox (endpoint, kind, destination, message_id, body)"
                    + " VALUES ('orders', 'broadcast', 'billing', 'm-1', '')"))
        .contains("outbox_kind_valid");
    assertThat(
            failure(
                db,
                "INSERT INTO checked.outbox (endpoint, kind, destination, message_id, body)"
                    + " VALUES ('orders', 'publish', 'OrderPlaced', 'm-1', '')"))
        .contains("outbox_publish_has_topics");
    assertThat(
            failure(
                db,
                "INSERT INTO checked.queue_message (queue, message_id, body) VALUES ('', 'm', '')"))
        .contains("queue_message_queue_length");
  }

  /** The base tables of {@code schema}, views not included. */
  static List<String> tables(TestDatabase db, String schema) throws SQLException {
    return strings(
        db,
        "SELECT table_name FROM information_schema.tables"
            + " WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1",
        schema);
  }

  static List<String> views(TestDatabase db, String schema) throws SQLException {
    return strings(
        db,
        "SELECT table_name FROM information_schema.views WHERE table_schema = ? ORDER BY 1",
        schema);
  }

  private static List<String> columns(TestDatabase db, String schema, String table)
      throws SQLException {
    return strings(
        db,
        "SELECT column_name || ' ' || data_type FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        schema,
        table);
  }

  private static Map<String, String> indexes(TestDatabase db, String schema) throws SQLException {
    Map<String, String> indexes = new TreeMap<>();
    try (Connection connection = db.connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ?")) {
      statement.setString(1, schema);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          indexes.put(result.getString(1), result.getString(2));
        }
      }
    }
    return indexes;
  }

  /** Every relation, column, constraint and index of the schema, to compare before and after. */
  static List<String> catalog(TestDatabase db, String schema) throws SQLException {
    List<String> catalog = new ArrayList<>();
    catalog.addAll(
        strings(
            db,
            "SELECT c.relname || ':' || c.relkind::text || ':' || coalesce(array_to_string(c.reloptions, ','), '')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? ORDER BY 1",
            schema));
    catalog.addAll(
        strings(
            db,
            "SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable"
                + " || ':' || coalesce(column_default, '')"
                + " FROM information_schema.columns WHERE table_schema = ? ORDER BY 1",
            schema));
    catalog.addAll(
        strings(
            db,
            "SELECT conname || ':' || pg_get_constraintdef(c.oid) FROM pg_constraint c"
                + " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = ? ORDER BY 1",
            schema));
    return catalog;
  }

  static List<String> strings(TestDatabase db, String sql, String... parameters)
      throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = db.connect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          values.add(result.getString(1));
        }
      }
    }
    return values;
  }

  private static long count(TestDatabase db, String sql) throws SQLException {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static void execute(TestDatabase db, String... statements) throws SQLException {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static String failure(TestDatabase db, String sql) {
    try {
      execute(db, sql);
      return "no failure";
    } catch (SQLException e) {
      return e.getMessage();
    }
  }
}
