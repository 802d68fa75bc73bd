package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.faults.broker.Kafka;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.ProcessKiller;
import dev.pump.kafka.KafkaBroker;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * process-killer-kafka: one input halts every endpoint process that handles it, among 100 ordinary
 * inputs, on Kafka. Each relaunched process finds the killer delivered before (the end of what the
 * dead one fetched was committed before its handler ran), runs it alone and counts it in the
 * storage, so it is parked after the maximum deliveries and nothing else is parked with it.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class KafkaProcessKillerTest {
  @Test
  void aMessageThatKillsItsProcessIsParkedOnKafkaAndTakesNoOtherWithIt() throws Exception {
    Outcome outcome =
        ProcessKiller.run(
            TestServer.shared(),
            FaultScenario.PROCESS_KILLER_KAFKA.label(),
            new Kafka(KafkaBroker.bootstrapServers()),
            15,
            TestServer.logs());
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat(outcome.facts())
        .containsEntry("killerParked", true)
        .containsEntry("othersHandled", true)
        .as("only the killer is in the error topic")
        .containsEntry("errorTopic", 1L);
    assertThat(outcome.verdict().count("orders")).isEqualTo(100);
  }
}
