package dev.pump.migrations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of {@code pump_schema_history}, in Flyway's layout: the same columns, primary key and
 * index Flyway creates for PostgreSQL, and rows written the way Flyway writes a versioned SQL
 * migration, so Flyway's tools read and validate a schema Pump migrated.
 */
final class HistoryTable {
  /** Flyway's marker row for a schema it created; it records no migration. */
  static final String SCHEMA_TYPE = "SCHEMA";

  static final String SQL_TYPE = "SQL";

  /** Flyway's base for its PostgreSQL advisory lock keys, "Flyway" in ASCII. */
  private static final long FLYWAY_LOCK_BASE = 77431708279161L;

  private final String table;

  HistoryTable(SchemaName schema) {
    this.table = schema.quoted() + ".\"" + PumpMigrations.HISTORY_TABLE + '"';
  }

  /** The table, quoted, for messages: {@code "pump"."pump_schema_history"}. */
  String name() {
    return table;
  }

  /**
   * The key of the PostgreSQL advisory lock that guards this table: the key Flyway uses for it, so
   * that an older Pump, which migrates with Flyway, and this one never migrate a schema at once.
   */
  long lockKey() {
    return FLYWAY_LOCK_BASE + table.hashCode();
  }

  boolean exists(Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      statement.setString(1, table);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getBoolean(1);
      }
    }
  }

  void create(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE "
              + table
              + " (\"installed_rank\" INT NOT NULL, \"version\" VARCHAR(50),"
              + " \"description\" VARCHAR(200) NOT NULL, \"type\" VARCHAR(20) NOT NULL,"
              + " \"script\" VARCHAR(1000) NOT NULL, \"checksum\" INTEGER,"
              + " \"installed_by\" VARCHAR(100) NOT NULL,"
              + " \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),"
              + " \"execution_time\" INTEGER NOT NULL, \"success\" BOOLEAN NOT NULL)");
      statement.execute(
          "ALTER TABLE "
              + table
              + " ADD CONSTRAINT \""
              + PumpMigrations.HISTORY_TABLE
              + "_pk\" PRIMARY KEY (\"installed_rank\")");
      statement.execute(
          "CREATE INDEX \""
              + PumpMigrations.HISTORY_TABLE
              + "_s_idx\" ON "
              + table
              + " (\"success\")");
    }
  }

  /** Every row, in the order they were installed. */
  List<Row> read(Connection connection) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT installed_rank, version, description, type, script, checksum, success"
                    + " FROM "
                    + table
                    + " ORDER BY installed_rank")) {
      while (result.next()) {
        int checksum = result.getInt(6);
        rows.add(
            new Row(
                result.getInt(1),
                result.getString(2),
                result.getString(3),
                result.getString(4),
                result.getString(5),
                result.wasNull() ? null : checksum,
                result.getBoolean(7)));
      }
    }
    return rows;
  }

  /** Records {@code script} as applied successfully, as installation {@code rank}. */
  void insert(Connection connection, int rank, Script script, long millis) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + table
                + " (installed_rank, version, description, type, script, checksum, installed_by,"
                + " execution_time, success) VALUES (?, ?, ?, ?, ?, ?, current_user, ?, true)")) {
      insert.setInt(1, rank);
      insert.setString(2, script.versionText());
      insert.setString(3, script.description());
      insert.setString(4, SQL_TYPE);
      insert.setString(5, script.fileName());
      insert.setInt(6, script.checksum());
      insert.setInt(7, (int) Math.min(Integer.MAX_VALUE, millis));
      insert.executeUpdate();
    }
  }

  /**
   * One row of the history.
   *
   * @param checksum null for rows that record no script
   */
  record Row(
      int rank,
      String version,
      String description,
      String type,
      String script,
      Integer checksum,
      boolean success) {}
}
