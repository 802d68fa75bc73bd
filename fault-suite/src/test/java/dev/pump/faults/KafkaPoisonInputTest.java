package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.KafkaPoisonInput;
import dev.pump.kafka.KafkaBroker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * poison-input-kafka: hostile records produced to the endpoints' topics beside 300 ordinary inputs
 * are parked with a reason or handled once, as each expects; nothing else is parked, and the
 * ordinary inputs go through.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaPoisonInputTest {
  @Test
  void hostileRecordsAreParkedWithAReasonAndTheRestFlows() throws Exception {
    Outcome outcome =
        KafkaPoisonInput.run(
            TestServer.shared(),
            FaultScenario.POISON_INPUT_KAFKA.label(),
            KafkaBroker.bootstrapServers(),
            300,
            20261206L);
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat((Boolean) outcome.facts().get("settled")).as(outcome.line()).isTrue();
    assertThat(outcome.facts().get("unexpectedInErrorTopic")).isEqualTo(List.of());
    assertThat(outcome.facts().get("inErrorTopic"))
        .isEqualTo(((Long) outcome.facts().get("expectedInErrorTopic")).intValue());
  }
}
