package dev.pump.cli.database;

import dev.pump.cli.CliException;
import dev.pump.cli.ExitCodes;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PumpOperations;
import dev.pump.migrations.PumpMigrations;
import dev.pump.migrations.SchemaName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One command's database: connects once up front (so that a wrong URL, host, login or database is
 * reported before anything is done), checks that the schema holds Pump's tables, and builds a
 * {@link JdbcStorage} over it that never migrates. Connections are opened per operation and not
 * pooled: a command makes a handful. Not thread-safe; one per command.
 */
public final class Database implements AutoCloseable {
  /**
   * The oldest Pump schema version the commands work on: 6 added {@code discarded_message}. Newer
   * versions are fine.
   */
  public static final int REQUIRED_SCHEMA_VERSION = 6;

  /** How long a connection attempt may take, in seconds: {@value}. */
  public static final int CONNECT_TIMEOUT_SECONDS = 10;

  private static final List<String> TABLES =
      List.of(
          "outbox",
          "inbox",
          "queue_message",
          "redelivery",
          "discarded_message",
          "audit_outbox",
          "audit_error_queue",
          PumpMigrations.HISTORY_TABLE);

  private final ConnectionSettings settings;
  private final SchemaName schema;
  private final PGSimpleDataSource dataSource;
  private JdbcStorage storage;

  private Database(ConnectionSettings settings, SchemaName schema, PGSimpleDataSource dataSource) {
    this.settings = settings;
    this.schema = schema;
    this.dataSource = dataSource;
  }

  /**
   * Connects once to check the settings.
   *
   * @throws CliException usage for a schema name that is refused, "no database" for a URL that is
   *     not PostgreSQL's or a connection that fails, with the URL (without its password) and what
   *     to check
   */
  public static Database connect(ConnectionSettings settings) {
    SchemaName schema;
    try {
      schema = SchemaName.of(settings.schema());
    } catch (RuntimeException e) {
      throw new CliException(ExitCodes.USAGE, "--schema: " + e.getMessage());
    }
    if (org.postgresql.Driver.parseURL(settings.jdbcUrl(), new Properties()) == null) {
      throw new CliException(
          ExitCodes.NO_DATABASE,
          "not a PostgreSQL JDBC URL: "
              + settings.shownUrl()
              + " (expected jdbc:postgresql://host:5432/database)");
    }
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(settings.jdbcUrl());
    if (settings.user() != null) {
      dataSource.setUser(settings.user());
    }
    if (settings.password() != null) {
      dataSource.setPassword(settings.password());
    }
    dataSource.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
    dataSource.setApplicationName("pump-cli");
    try (Connection connection = dataSource.getConnection()) {
      connection.isValid(CONNECT_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      throw new CliException(
          ExitCodes.NO_DATABASE,
          "cannot connect to "
              + settings.shown()
              + ": "
              + e.getMessage()
              + rootCause(e)
              + hint(e.getSQLState()),
          e);
    }
    return new Database(settings, schema, dataSource);
  }

  // "The connection attempt failed." says little; the cause says which host or why
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? "" : " (" + root + ")";
  }

  private static String hint(String state) {
    if (state == null) {
      return "";
    }
    if (state.startsWith("28")) {
      return " (check --user and the password: --password-stdin or PUMP_JDBC_PASSWORD)";
    }
    if (state.equals("3D000")) {
      return " (the database in the URL does not exist)";
    }
    if (state.startsWith("08")) {
      return " (check the host and port, and that PostgreSQL accepts TCP connections)";
    }
    return "";
  }

  /** The schema, validated. */
  public SchemaName schema() {
    return schema;
  }

  /** The data source: a new connection per call. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** Jdbi over the data source, for the CLI's own queries. */
  public Jdbi jdbi() {
    return Jdbi.create(dataSource);
  }

  /**
   * Checks that the schema holds Pump's tables at {@link #REQUIRED_SCHEMA_VERSION} or later.
   *
   * @throws CliException "no database", naming the schema, what is missing and the command that
   *     applies it
   */
  public Database requirePumpSchema() {
    List<String> missing = new ArrayList<>(TABLES);
    int version;
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement found =
          connection.prepareStatement(
              "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                  + " WHERE n.nspname = ? AND c.relname = ANY (?)")) {
        found.setString(1, schema.value());
        found.setArray(2, connection.createArrayOf("text", TABLES.toArray()));
        try (ResultSet rows = found.executeQuery()) {
          while (rows.next()) {
            missing.remove(rows.getString(1));
          }
        }
      }
      if (missing.size() == TABLES.size()) {
        throw new CliException(
            ExitCodes.NO_DATABASE,
            "schema "
                + schema
                + " has no Pump tables in "
                + settings.shownUrl()
                + "; run `pump migrate --schema "
                + schema
                + "` to create them, or give the right --schema");
      }
      version = missing.contains(PumpMigrations.HISTORY_TABLE) ? 0 : version(connection);
    } catch (SQLException e) {
      throw new CliException(
          ExitCodes.NO_DATABASE, "cannot read the tables of schema " + schema + ": " + e, e);
    }
    if (!missing.isEmpty() || version < REQUIRED_SCHEMA_VERSION) {
      throw new CliException(
          ExitCodes.NO_DATABASE,
          "schema "
              + schema
              + " is at Pump schema version "
              + version
              + (missing.isEmpty() ? "" : " (missing " + String.join(", ", missing) + ")")
              + "; this pump needs version "
              + REQUIRED_SCHEMA_VERSION
              + " or later: run `pump migrate --schema "
              + schema
              + "`");
    }
    return this;
  }

  private int version(Connection connection) throws SQLException {
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT max(version::int) FROM "
                    + schema.table(PumpMigrations.HISTORY_TABLE)
                    + " WHERE success AND version IS NOT NULL");
        ResultSet row = query.executeQuery()) {
      return row.next() ? row.getInt(1) : 0;
    }
  }

  /** The operator API over this schema (its storage is built once, never migrating). */
  public PumpOperations operations() {
    if (storage == null) {
      storage = storage(b -> b);
    }
    return storage.operations();
  }

  /** A storage over this schema that never migrates, with {@code settings} applied; closed here. */
  public JdbcStorage storage(UnaryOperator<JdbcStorage.Builder> settings) {
    JdbcStorage built =
        settings
            .apply(
                JdbcStorage.builder().dataSource(dataSource).schema(schema.value()).migrate(false))
            .build();
    if (storage != null && storage != built) {
      storage.close();
    }
    storage = built;
    return built;
  }

  /** Applies Pump's migrations to the schema, creating it if needed. */
  public PumpMigrations.Report migrate() {
    return PumpMigrations.migrate(dataSource, schema);
  }

  /** The URL as messages show it, without a password. */
  public String shownUrl() {
    return settings.shownUrl();
  }

  @Override
  public void close() {
    if (storage != null) {
      storage.close();
    }
  }
}
