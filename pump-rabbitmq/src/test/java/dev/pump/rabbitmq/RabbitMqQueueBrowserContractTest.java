package dev.pump.rabbitmq;

import dev.pump.core.spi.QueueBrowserContractTest;
import dev.pump.core.spi.Transport;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The browser contract on RabbitMQ, with quorum and with classic queues. */
@ParameterizedClass
@EnumSource(QueueType.class)
class RabbitMqQueueBrowserContractTest extends QueueBrowserContractTest {
  private final QueueType type;
  private BrokerAdmin admin;

  RabbitMqQueueBrowserContractTest(QueueType type) {
    this.type = type;
  }

  @BeforeEach
  void connectAdmin() throws Exception {
    admin = new BrokerAdmin();
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
        .connectionName("pump-browser-contract-test")
        .queueType(type)
        .build();
  }

  /**
   * A quorum queue of RabbitMQ 3.x puts returned messages behind the others, so a browse that stops
   * before the end moves what it read to the back; whole browses keep the order
   * (RabbitMqErrorQueueTest checks that).
   */
  @Override
  protected boolean keepsOrder() {
    return type == QueueType.CLASSIC;
  }

  @Override
  protected String newQueueName() {
    return admin.queueName("browse");
  }
}
