package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pump.faults.broker.RabbitMq;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.BrokerOutage;
import dev.pump.testkit.TcpRelay;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * broker-outage, fast: the processes' connections to RabbitMQ are dropped twice and the broker is
 * unreachable for 5 s; the outbox accumulates and drains, and the books are clean. Needs a broker
 * ({@code PUMP_TEST_RABBITMQ_URI}, else 127.0.0.1:5672): skipped without one, failed without one
 * when {@code PUMP_REQUIRE_RABBITMQ=true}.
 */
class BrokerOutageTest {
  @Test
  void theOutboxAccumulatesDuringTheOutageAndDrainsAfterwards() throws Exception {
    RabbitMq broker = RabbitMq.local();
    boolean answers = broker.answers();
    if (Boolean.parseBoolean(System.getenv("PUMP_REQUIRE_RABBITMQ"))) {
      assertThat(answers).as("PUMP_REQUIRE_RABBITMQ=true, but no RabbitMQ answers").isTrue();
    }
    assumeTrue(answers, "no RabbitMQ answers; set PUMP_TEST_RABBITMQ_URI to run this test");
    Outcome outcome;
    try (TcpRelay relay = broker.newRelay()) {
      outcome =
          BrokerOutage.run(
              TestServer.shared(),
              FaultScenario.BROKER_OUTAGE.label(),
              broker.through(relay),
              relay,
              new BrokerOutage.Settings(600, 60, Duration.ofSeconds(5), 3L, Duration.ofMinutes(3)),
              TestServer.logs());
    }
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat((Long) outcome.facts().get("pendingAtEndOfOutage")).isPositive();
  }
}
