package dev.pump.jdbc;

import dev.pump.core.transport.Transport;
import dev.pump.core.transport.TransportContractTest;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The transport contract on the PostgreSQL queue transport, against a real database. */
@ExtendWith(PostgresExtension.class)
class PostgresTransportContractTest extends TransportContractTest {
  static JdbcStorage storage;

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
  }

  @Override
  protected Transport createTransport() {
    return PostgresTransport.builder()
        .storage(storage)
        .pollInterval(Duration.ofMillis(50))
        .maxMessageBytes(2 * 1024 * 1024)
        .build();
  }

  @Override
  protected Duration delayedDeliveryDelay() {
    return Duration.ofMillis(400);
  }
}
