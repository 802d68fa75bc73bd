package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pump.faults.broker.PostgresQueue;
import dev.pump.faults.broker.RabbitMq;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.ProcessKiller;
import dev.pump.faults.sut.Sut;
import org.junit.jupiter.api.Test;

/**
 * process-killer-postgresql and process-killer-rabbitmq, as in the full suite: one input halts
 * every endpoint process that handles it, among 100 ordinary inputs. The relaunched process runs a
 * redelivered message alone, and counts only the deliveries it starts, so the killer is parked
 * after {@link Sut#MAX_DELIVERIES} deliveries and no ordinary input is parked beside it: not one
 * handled beside it (8), nor on RabbitMQ one that the broker had pushed ahead to each dying process
 * without the pump ever starting it (9).
 */
class ProcessKillerTest {
  static FaultDatabase server = TestServer.shared();

  @Test
  void aMessageThatKillsItsProcessIsParkedAndTakesNoOtherMessageWithIt() throws Exception {
    Outcome outcome =
        ProcessKiller.run(
            server,
            FaultScenario.PROCESS_KILLER_POSTGRESQL.label(),
            new PostgresQueue(),
            15,
            TestServer.logs());
    assertParkedAlone(outcome);
  }

  /**
   * Needs a broker ({@code PUMP_TEST_RABBITMQ_URI}, else 127.0.0.1:5672): skipped without one,
   * failed without one when {@code PUMP_REQUIRE_RABBITMQ=true}.
   */
  @Test
  void onRabbitMqTheMessagesPrefetchedBesideTheKillerAreNotParkedWithIt() throws Exception {
    RabbitMq broker = RabbitMq.local();
    boolean answers = broker.answers();
    if (Boolean.parseBoolean(System.getenv("PUMP_REQUIRE_RABBITMQ"))) {
      assertThat(answers).as("PUMP_REQUIRE_RABBITMQ=true, but no RabbitMQ answers").isTrue();
    }
    assumeTrue(answers, "no RabbitMQ answers; set PUMP_TEST_RABBITMQ_URI to run this test");
    Outcome outcome =
        ProcessKiller.run(
            server, FaultScenario.PROCESS_KILLER_RABBITMQ.label(), broker, 15, TestServer.logs());
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat(outcome.facts())
        .containsEntry("killerParked", true)
        .containsEntry("othersHandled", true)
        .as("only the killer is in the broker's error queue")
        .containsEntry("brokerErrorQueue", 1L);
    assertThat(outcome.verdict().count("orders")).isEqualTo(100);
  }

  private static void assertParkedAlone(Outcome outcome) {
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat(outcome.facts())
        .containsEntry("killerParked", true)
        .containsEntry("othersHandled", true);
    assertThat(outcome.verdict().count("errorQueue")).as("only the killer is parked").isEqualTo(1);
    assertThat(outcome.verdict().count("orders")).isEqualTo(100);
  }
}
