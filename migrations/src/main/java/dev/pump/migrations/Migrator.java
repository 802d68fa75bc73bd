package dev.pump.migrations;

import dev.pump.core.PumpException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Applies the shipped scripts to one schema: under a PostgreSQL advisory lock, so instances
 * starting together apply each script once; each script in a transaction of its own together with
 * its history row, so a script is either applied and recorded or not at all.
 */
final class Migrator {
  private final DataSource dataSource;
  private final SchemaName schema;
  private final HistoryTable history;
  private final List<Script> scripts;

  /** How long a migrator waits for another process that is migrating the same schema: 5 min. */
  static final Duration LOCK_WAIT = Duration.ofMinutes(5);

  private static final long LOCK_POLL_MILLIS = 100;

  private final Duration lockWait;

  Migrator(DataSource dataSource, SchemaName schema, List<Script> scripts) {
    this(dataSource, schema, scripts, LOCK_WAIT);
  }

  Migrator(DataSource dataSource, SchemaName schema, List<Script> scripts, Duration lockWait) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.history = new HistoryTable(schema);
    this.scripts = scripts;
    this.lockWait = lockWait;
  }

  PumpMigrations.Report migrate() {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(true);
      try {
        // session-level, so it outlasts the transaction of each script; it goes with the session
        // if the connection breaks
        lock(connection);
        PumpMigrations.Report report;
        try {
          report = migrateLocked(connection);
        } catch (RuntimeException | SQLException e) {
          try {
            unlock(connection);
          } catch (SQLException unlockFailed) {
            e.addSuppressed(unlockFailed);
          }
          throw e;
        }
        unlock(connection);
        return report;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new PumpException(
          "migrating the pump schema "
              + schema.quoted()
              + " failed (SQL state "
              + e.getSQLState()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private PumpMigrations.Report migrateLocked(Connection connection) throws SQLException {
    prepare(connection);
    List<HistoryTable.Row> rows = history.read(connection);
    Map<Integer, HistoryTable.Row> applied = validate(rows);
    int rank = rows.stream().mapToInt(HistoryTable.Row::rank).max().orElse(0);
    int appliedNow = 0;
    int version = applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    for (Script script : scripts) {
      if (!applied.containsKey(script.version())) {
        apply(connection, script, ++rank);
        appliedNow++;
        version = script.version();
      }
    }
    return new PumpMigrations.Report(
        schema, version == 0 ? null : Integer.toString(version), appliedNow);
  }

  /** Creates the schema and the history table if missing. */
  private void prepare(Connection connection) throws SQLException {
    // checked first: CREATE SCHEMA IF NOT EXISTS needs the right to create schemas even when the
    // schema exists, which a user who was only given the schema lacks
    if (!schemaExists(connection)) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema.quoted());
      }
    }
    if (history.exists(connection)) {
      return;
    }
    if (schemaHoldsObjects(connection)) {
      throw new PumpException(
          "the pump schema "
              + schema.quoted()
              + " already holds tables or functions but no "
              + history.name()
              + ": Pump migrates only a schema of its own; configure another schema");
    }
    history.create(connection);
  }

  /**
   * The applied scripts by version, once each row is known to match a shipped script.
   *
   * @throws PumpException naming the version, the schema and what to do, for a failed row, a
   *     version this Pump does not ship, a script that differs from the one applied, or a gap
   */
  private Map<Integer, HistoryTable.Row> validate(List<HistoryTable.Row> rows) {
    Map<String, Script> shipped = new HashMap<>();
    scripts.forEach(script -> shipped.put(script.versionText(), script));
    Map<Integer, HistoryTable.Row> applied = new HashMap<>();
    for (HistoryTable.Row row : rows) {
      if (HistoryTable.SCHEMA_TYPE.equals(row.type()) && row.version() == null) {
        continue;
      }
      if (!row.success()) {
        throw refused(
            "migration "
                + row.version()
                + " ("
                + row.script()
                + ") is recorded as failed; repair what it left half done, delete its row"
                + " (success = false) from "
                + history.name()
                + " and start again");
      }
      Script script = shipped.get(row.version());
      if (script == null || !HistoryTable.SQL_TYPE.equals(row.type())) {
        throw refused(
            "it holds migration "
                + row.version()
                + " ("
                + row.type()
                + " "
                + row.script()
                + "), which this Pump does not ship (it knows versions 1 to "
                + scripts.getLast().version()
                + "): a newer Pump migrated it; run that Pump version or a later one");
      }
      if (row.checksum() == null || row.checksum() != script.checksum()) {
        throw refused(
            "migration "
                + row.version()
                + " ("
                + row.script()
                + ") was applied with checksum "
                + row.checksum()
                + " but this Pump ships it with checksum "
                + script.checksum()
                + ": an applied migration must never change; run the Pump version that applied"
                + " it, or, if the schema is known to match the shipped script, set the checksum"
                + " in "
                + history.name());
      }
      applied.put(script.version(), row);
    }
    int latest = applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    for (Script script : scripts) {
      if (script.version() < latest && !applied.containsKey(script.version())) {
        throw refused(
            "migration "
                + script.version()
                + " ("
                + script.fileName()
                + ") is not applied though the later "
                + latest
                + " is: the history was edited; restore its row in "
                + history.name());
      }
    }
    return applied;
  }

  private PumpException refused(String reason) {
    return new PumpException(
        "the pump schema " + schema.quoted() + " cannot be migrated: " + reason);
  }

  private void apply(Connection connection, Script script, int rank) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      // the scripts are written for Flyway, which puts unqualified names in the pump schema
      statement.execute("SET LOCAL search_path TO " + schema.quoted());
      long started = System.nanoTime();
      statement.execute(script.sql(schema));
      history.insert(connection, rank, script, (System.nanoTime() - started) / 1_000_000);
      connection.commit();
    } catch (SQLException e) {
      try {
        connection.rollback();
      } catch (SQLException rollbackFailed) {
        e.addSuppressed(rollbackFailed);
      }
      throw new PumpException(
          "migrating the pump schema "
              + schema.quoted()
              + " to version "
              + script.version()
              + " ("
              + script.fileName()
              + ") failed and was rolled back (SQL state "
              + e.getSQLState()
              + "): "
              + e.getMessage(),
          e);
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /**
   * Takes the schema's advisory lock, waiting at most {@link #lockWait} for a process that holds
   * it: one stuck migration must not hang every other start for ever.
   */
  private void lock(Connection connection) throws SQLException {
    long deadline = System.nanoTime() + lockWait.toNanos();
    while (!advisory(connection, "SELECT pg_try_advisory_lock(?)")) {
      if (System.nanoTime() - deadline > 0) {
        throw new PumpException(
            "another process has been migrating the pump schema "
                + schema.quoted()
                + " for longer than "
                + lockWait
                + ": it holds the advisory lock "
                + history.lockKey()
                + " (find it with SELECT pid FROM pg_locks WHERE locktype = 'advisory'"
                + " AND objid = "
                + (history.lockKey() & 0xFFFFFFFFL)
                + "); let it finish, or end it and start again");
      }
      try {
        Thread.sleep(LOCK_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PumpException(
            "interrupted while waiting to migrate the pump schema " + schema.quoted(), e);
      }
    }
  }

  private void unlock(Connection connection) throws SQLException {
    advisory(connection, "SELECT pg_advisory_unlock(?)");
  }

  private boolean advisory(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet result = executeWithKey(statement)) {
      return result.next() && result.getBoolean(1);
    }
  }

  private ResultSet executeWithKey(PreparedStatement statement) throws SQLException {
    statement.setLong(1, history.lockKey());
    return statement.executeQuery();
  }

  private boolean schemaExists(Connection connection) throws SQLException {
    return any(connection, "SELECT 1 FROM pg_namespace WHERE nspname = ?");
  }

  private boolean schemaHoldsObjects(Connection connection) throws SQLException {
    return any(
        connection,
        "WITH n AS (SELECT oid FROM pg_namespace WHERE nspname = ?)"
            + " SELECT 1 FROM pg_class WHERE relnamespace IN (SELECT oid FROM n)"
            + " UNION ALL SELECT 1 FROM pg_proc WHERE pronamespace IN (SELECT oid FROM n)");
  }

  /** Whether {@code sql}, given the schema's name as its parameter, finds a row. */
  private boolean any(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, schema.value());
      try (ResultSet result = statement.executeQuery()) {
        return result.next();
      }
    }
  }
}
