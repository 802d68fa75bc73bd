package dev.pump.kafka;

import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportContractTest;
import dev.pump.kafka.internal.DefaultKafkaTransport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The transport contract on Kafka, against the shared test broker. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaTransportContractTest extends TransportContractTest {
  @Override
  protected Transport createTransport() {
    return builder().build();
  }

  /** The transport under test, before it is built. */
  protected KafkaTransport.Builder builder() {
    return KafkaTransport.builder()
        .bootstrapServers(KafkaBroker.bootstrapServers())
        .clientId("pump-contract-test")
        // the competing-consumers test holds 4 messages at once on one transport
        .maxInFlight(8);
  }

  /** Its consumer goes away as its process would: what it did not settle comes back. */
  @Override
  protected void loseReceiver(ReceivedMessage received) {
    ((DefaultKafkaTransport) transport).closeConsumer(received.queue());
  }

  @Override
  protected Duration deliveryTimeout() {
    return Duration.ofSeconds(30); // a new consumer group's first assignment, on a busy machine
  }
}
