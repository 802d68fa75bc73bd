package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.faults.broker.Kafka;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.CrashLoop;
import dev.pump.kafka.KafkaBroker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * crash-loop-kafka, fast: two endpoint processes and a dispatcher process on Kafka are SIGKILLed
 * three times and crash themselves at chosen points while 600 inputs (10% sent twice) flow through;
 * the books stay clean. The broker is the tests' (in this JVM, or {@code PUMP_KAFKA_BOOTSTRAP});
 * the processes connect to it.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class KafkaCrashLoopTest {
  @Test
  void killedProcessesOnKafkaLoseNothingAndHandleNothingTwice() throws Exception {
    Outcome outcome =
        CrashLoop.run(
            TestServer.shared(),
            FaultScenario.CRASH_LOOP_KAFKA.label(),
            new Kafka(KafkaBroker.bootstrapServers()),
            new CrashLoop.Settings(600, 0.1, 3, 2, 2, 1, 60, 20261206L, Duration.ofMinutes(3)),
            TestServer.logs());
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat(outcome.verdict().count("inputs")).isEqualTo(600);
    assertThat((Boolean) outcome.facts().get("settled")).as(outcome.line()).isTrue();
    assertThat((Integer) outcome.facts().get("kills")).as(outcome.line()).isPositive();
    assertThat(outcome.facts().get("errorTopic")).isEqualTo(0L);
  }
}
