package dev.pump.kafka;

import dev.pump.core.spi.QueueBrowserContractTest;
import dev.pump.core.spi.Transport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The browser contract on Kafka, against the shared test broker. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaQueueBrowserContractTest extends QueueBrowserContractTest {
  @Override
  protected Transport createTransport() {
    return KafkaTransport.builder()
        .bootstrapServers(KafkaBroker.bootstrapServers())
        .clientId("pump-browser-contract-test")
        .build();
  }

  /** A take from the middle is kept in the group's offset metadata, which only browses read. */
  @Override
  protected boolean receiversSkipTaken() {
    return false;
  }

  /** A browse reads from the group's committed offset: what a consumer holds is shown too. */
  @Override
  protected boolean showsMessagesInFlight() {
    return true;
  }

  @Override
  protected Duration deliveryTimeout() {
    return Duration.ofSeconds(30); // a new consumer group's first assignment, on a busy machine
  }
}
