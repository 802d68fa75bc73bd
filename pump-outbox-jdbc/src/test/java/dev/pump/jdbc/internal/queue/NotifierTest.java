package dev.pump.jdbc.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pump.jdbc.internal.sql.DedicatedConnections;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The notifier sends on a connection of its own: a pool whose every connection is taken does not
 * hold notifications back, a terminated connection is replaced, and closing it closes the
 * connection.
 */
@ExtendWith(PostgresExtension.class)
class NotifierTest {
  private static final String CHANNEL = "pump_notifier_test";
  private static final String SENDS =
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND query LIKE 'SELECT count(pg_notify%' AND pid <> pg_backend_pid()";

  private HikariDataSource pool;
  private Connection listener;
  private final List<String> received = new ArrayList<>();

  @BeforeEach
  void listen(TestDatabase db) throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(250);
    pool = new HikariDataSource(config);
    listener = db.connect();
    try (Statement statement = listener.createStatement()) {
      statement.execute("LISTEN " + CHANNEL);
    }
  }

  @AfterEach
  void close() throws SQLException {
    listener.close();
    pool.close();
  }

  @Test
  void sendsWhileEveryPooledConnectionIsTaken() throws SQLException {
    try (Notifier notifier = notifier();
        Connection taken = pool.getConnection()) {
      notifier.request(CHANNEL, "a");

      awaitReceived("a");
      assertThat(taken.isValid(1)).isTrue();
    }
  }

  @Test
  void replacesAConnectionTheDatabaseTerminated(TestDatabase db) throws SQLException {
    try (Notifier notifier = notifier()) {
      notifier.request(CHANNEL, "before");
      awaitReceived("before");

      try (Connection admin = db.connect();
          Statement statement = admin.createStatement()) {
        statement.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND query LIKE 'SELECT count(pg_notify%'"
                + " AND pid <> pg_backend_pid()");
      }
      notifier.request(CHANNEL, "after");

      awaitReceived("after");
    }
  }

  @Test
  void closingClosesItsConnection(TestDatabase db) throws SQLException {
    Notifier notifier = notifier();
    notifier.request(CHANNEL, "a");
    awaitReceived("a");
    assertThat(count(db, SENDS)).isEqualTo(1);

    notifier.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> count(db, SENDS) == 0);
  }

  private Notifier notifier() {
    return new Notifier(DedicatedConnections.of(pool), DedicatedConnections.outsideThePool(pool));
  }

  private void awaitReceived(String payload) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> {
          PGNotification[] notifications =
              listener.unwrap(PGConnection.class).getNotifications(100);
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              received.add(notification.getParameter());
            }
          }
          return received.contains(payload);
        });
  }

  private static long count(TestDatabase db, String sql) throws SQLException {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
