package dev.pump.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PostgresServersTest {
  @Test
  void anExternalUrlFromTheEnvironmentWinsOverEverythingElse() {
    Properties containers = new Properties();
    containers.setProperty(PostgresServers.CONTAINERS_PROPERTY, "true");

    PostgresServer server =
        PostgresServers.choose(
            Map.of(
                "PUMP_TEST_JDBC_URL", "jdbc:postgresql://db.internal:6543/ci?sslmode=disable",
                "PUMP_TEST_JDBC_USER", "ci",
                "PUMP_TEST_JDBC_PASSWORD", "secret"),
            containers);

    assertThat(server.kind()).contains("PUMP_TEST_JDBC_URL");
    assertThat(server.user()).isEqualTo("ci");
    assertThat(server.password()).isEqualTo("secret");
    assertThat(server.adminUrl())
        .isEqualTo("jdbc:postgresql://db.internal:6543/ci?sslmode=disable");
    assertThat(server.urlFor("t_x_1"))
        .isEqualTo("jdbc:postgresql://db.internal:6543/t_x_1?sslmode=disable");
  }

  @Test
  void anExternalUrlThatIsNotPostgresqlIsRefusedWithTheVariableNamed() {
    assertThatThrownBy(() ->
            PostgresServers.choose(
                Map.of("PUMP_TEST_JDBC_URL", "jdbc:mysql://localhost/test"), new Properties()))
        .hasMessageContaining("PUMP_TEST_JDBC_URL")
        .hasMessageContaining("jdbc:mysql://localhost/test");
  }

  @Test
  void databaseNamesArePlainUniqueIdentifiers() {
    String first =
        PostgresServer.databaseName("Weird$Name With Spaces And A Very Long Tail To Cut");
    String second =
        PostgresServer.databaseName("Weird$Name With Spaces And A Very Long Tail To Cut");

    assertThat(first).matches("[a-z_][a-z0-9_]{0,62}").isNotEqualTo(second);
  }
}
