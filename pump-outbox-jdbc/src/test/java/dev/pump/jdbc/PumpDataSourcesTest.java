package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.PumpConfigurationException;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PumpDataSourcesTest {

  @Test
  void poolsConnectionsToTheGivenDatabase(TestDatabase db) throws Exception {
    try (HikariDataSource pool = PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 3);
        Connection connection = pool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT current_database()")) {
      result.next();
      assertThat(result.getString(1)).isEqualTo(db.name());
      assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
    }
  }

  @Test
  void aUrlThatIsNotPostgresqlIsRefusedBeforeConnecting() {
    assertThatThrownBy(() -> PumpDataSources.pooled("jdbc:mysql://localhost/shop", "u", "p"))
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("jdbcUrl")
        .hasMessageContaining("jdbc:mysql://localhost/shop");
  }

  @Test
  void aPoolSizeOutOfRangeIsRefusedWithTheSettingNamed() {
    assertThatThrownBy(
            () -> PumpDataSources.pooled("jdbc:postgresql://localhost/shop", "u", "p", 0))
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessage("maximumPoolSize must be between 1 and 1000, was 0");
  }
}
