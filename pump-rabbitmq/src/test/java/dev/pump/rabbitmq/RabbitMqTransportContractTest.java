package dev.pump.rabbitmq;

import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportContractTest;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The transport contract on RabbitMQ, with quorum queues (the default). */
class RabbitMqTransportContractTest extends TransportContractTest {
  private BrokerAdmin admin;

  @BeforeEach
  void connectAdmin() throws Exception {
    admin = new BrokerAdmin();
    // the exchanges of the suite's fixed topic names
    admin.deleteExchangeLater("contract.OrderPlaced");
    admin.deleteExchangeLater("contract.OrderEvent");
    admin.deleteExchangeLater("contract.Unsubscribed");
  }

  @AfterEach
  void deleteWhatTheTestCreated() throws IOException {
    if (admin != null) {
      admin.close();
    }
  }

  @Override
  protected Transport createTransport() {
    return RabbitMqTransport.builder()
        .uri(RabbitMqBroker.uri())
        .connectionName("pump-contract-test")
        // the competing-consumers test holds 4 messages at once on one transport: the prefetch is
        // the pump's concurrency, which would be at least 4 there
        .prefetch(8)
        .networkRecoveryInterval(Duration.ofMillis(200))
        .build();
  }

  @Override
  protected String newQueueName() {
    return admin.queueName("contract");
  }
}
