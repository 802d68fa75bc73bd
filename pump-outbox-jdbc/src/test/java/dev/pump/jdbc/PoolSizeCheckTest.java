package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An endpoint that could hold more connections than its storage's pool has is refused at build. */
@ExtendWith(PostgresExtension.class)
class PoolSizeCheckTest {
  private final InMemoryTransport transport = InMemoryTransport.create();

  @Test
  void anEndpointMoreConcurrentThanThePoolIsRefusedNamingBothNumbers(TestDatabase db) {
    try (HikariDataSource pool = PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 4);
        JdbcStorage storage = JdbcStorage.builder().dataSource(pool).build()) {

      assertThatThrownBy(() -> endpoint("greedy", storage, 5).build())
          .isInstanceOf(PumpConfigurationException.class)
          .hasMessageContaining("endpoint greedy handles up to 5 messages at once")
          .hasMessageContaining("the storage's pool has 4 (maximumPoolSize)");
      Endpoint fitting = endpoint("fitting", storage, 4).build();
      assertThat(fitting.state()).isEqualTo(Endpoint.State.CREATED);
    }
  }

  @Test
  void anEndpointThatOnlySendsIsNotChecked(TestDatabase db) {
    try (HikariDataSource pool = PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 2);
        JdbcStorage storage = JdbcStorage.builder().dataSource(pool).build()) {

      Endpoint web =
          Endpoint.builder()
              .name("web")
              .transport(transport)
              .storage(storage)
              .concurrency(8)
              .build();
      assertThat(web.state()).isEqualTo(Endpoint.State.CREATED);
    }
  }

  private EndpointBuilder endpoint(String name, JdbcStorage storage, int concurrency) {
    return Endpoint.builder()
        .name(name)
        .transport(transport)
        .storage(storage)
        .recoverability(Recoverability.noRetries())
        .concurrency(concurrency)
        .handler(Ping.class, (ping, context) -> {});
  }
}
