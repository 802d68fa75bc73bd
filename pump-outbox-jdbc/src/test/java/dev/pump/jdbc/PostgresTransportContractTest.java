package dev.pump.jdbc;

import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportContractTest;
import dev.pump.jdbc.internal.queue.ClaimedMessage;
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

  /** Cuts the claim's database connection, as a dying process would. */
  @Override
  protected void loseReceiver(ReceivedMessage received) {
    int pid = ((ClaimedMessage) received).backendPid();
    storage
        .jdbi()
        .useHandle(h ->
            h.createQuery("SELECT pg_terminate_backend(?)")
                .bind(0, pid)
                .mapTo(Boolean.class)
                .one());
  }

  @Override
  protected Duration delayedDeliveryDelay() {
    return Duration.ofMillis(400);
  }
}
