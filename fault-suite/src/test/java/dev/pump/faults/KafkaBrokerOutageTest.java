package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.faults.broker.Kafka;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.BrokerOutage;
import dev.pump.kafka.KafkaBroker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * broker-outage-kafka, fast: every connection to a broker of its own (in this JVM, behind a relay
 * it advertises) is dropped twice, then refused for 5 s; the outbox accumulates and drains, and the
 * books are clean.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class KafkaBrokerOutageTest {
  @Test
  void theOutboxAccumulatesDuringTheOutageAndDrainsAfterwards() throws Exception {
    try (KafkaBroker.Relayed broker = KafkaBroker.startBehindRelay()) {
      Outcome outcome =
          BrokerOutage.run(
              TestServer.shared(),
              FaultScenario.BROKER_OUTAGE_KAFKA.label(),
              new Kafka(broker.bootstrapServers()),
              broker.relay(),
              new BrokerOutage.Settings(600, 60, Duration.ofSeconds(5), 3L, Duration.ofMinutes(3)),
              TestServer.logs());
      System.out.println(outcome.line());
      assertThat(outcome.clean()).as(outcome.line()).isTrue();
      assertThat((Boolean) outcome.facts().get("settled")).as(outcome.line()).isTrue();
      assertThat((Long) outcome.facts().get("pendingAtEndOfOutage")).isPositive();
      assertThat((Long) outcome.facts().get("refusedConnections")).isPositive();
      assertThat(outcome.facts().get("errorTopic")).isEqualTo(0L);
    }
  }
}
