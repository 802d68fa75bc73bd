package dev.pump.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresServerTest {
  @Test
  void aRestartKeepsThePortAndTheData() throws SQLException {
    try (EmbeddedPostgresServer server =
        EmbeddedPostgresServer.builder().disposable().setting("max_connections", "20").start()) {
      String url = server.jdbcUrl("postgres");
      execute(server, url, "CREATE TABLE kept (id int)");
      execute(server, url, "INSERT INTO kept VALUES (7)");

      server.stop();
      assertThatThrownBy(() -> execute(server, url, "SELECT 1")).isInstanceOf(SQLException.class);
      server.start();

      assertThat(server.jdbcUrl("postgres")).isEqualTo(url);
      try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
          var rows = c.createStatement().executeQuery("SELECT id FROM kept")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).isEqualTo(7);
      }
    }
  }

  @Test
  void aClosedServerCannotStartAgain() {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.builder().disposable().start();
    server.close();
    server.close();

    assertThatThrownBy(server::start).hasMessageContaining("closed");
  }

  @Test
  void anExternalServerIsNamedByTheEnvironmentWithDefaultUserAndPassword() {
    ExternalPostgres external =
        ExternalPostgres.from(Map.of("PUMP_TEST_JDBC_URL", " jdbc:postgresql://db:5432/x ")).get();

    assertThat(external.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/x");
    assertThat(external.user()).isEqualTo("postgres");
    assertThat(external.password()).isEmpty();
    assertThat(ExternalPostgres.from(Map.of("PUMP_TEST_JDBC_URL", " "))).isEmpty();
  }

  private static void execute(EmbeddedPostgresServer server, String url, String sql)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(url, server.user(), server.password())) {
      c.createStatement().execute(sql);
    }
  }
}
