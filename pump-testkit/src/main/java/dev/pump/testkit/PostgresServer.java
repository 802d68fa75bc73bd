package dev.pump.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/** A PostgreSQL server the tests may create databases on. */
abstract class PostgresServer {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  /** How the server was found, for the one log line: "embedded PostgreSQL (zonky)". */
  abstract String kind();

  /** A JDBC URL of the server's maintenance database, used to create and drop test databases. */
  abstract String adminUrl();

  /** A JDBC URL of {@code database} on this server. */
  abstract String urlFor(String database);

  abstract String user();

  abstract String password();

  /** Creates a fresh database named after the test class. */
  TestDatabase createDatabase(String testClassName) {
    String name = databaseName(testClassName);
    execute("CREATE DATABASE " + name);
    return new TestDatabase(name, urlFor(name), user(), password(), () -> dropDatabase(name));
  }

  /** The server's {@code version()} string. */
  String serverVersion() {
    try (Connection connection = adminConnection();
        Statement statement = connection.createStatement();
        var result = statement.executeQuery("SELECT version()")) {
      result.next();
      return result.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot query the version of the test PostgreSQL at " + adminUrl() + ": " + e, e);
    }
  }

  private void dropDatabase(String name) {
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private void execute(String sql) {
    try (Connection connection = adminConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "test database setup failed on "
              + kind()
              + " ("
              + adminUrl()
              + "), statement: "
              + sql
              + ", SQL state "
              + e.getSQLState()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private Connection adminConnection() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user());
    properties.setProperty("password", password());
    return DriverManager.getConnection(adminUrl(), properties);
  }

  /** A valid, unique, unquoted identifier: {@code t_outboxtest_12_ab3f}. */
  static String databaseName(String testClassName) {
    String base = testClassName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    String suffix =
        Integer.toString(SEQUENCE.incrementAndGet())
            + "_"
            + Long.toString(ProcessHandle.current().pid(), 36);
    return "t_" + base + "_" + suffix;
  }
}
