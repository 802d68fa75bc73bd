package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.faults.broker.PostgresQueue;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.CrashLoop;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * crash-loop, fast: separate endpoint and dispatcher processes are SIGKILLed (up to four times) and
 * crash themselves at chosen points while 1,500 inputs (10% sent twice) flow through; the books
 * stay clean.
 */
class CrashLoopTest {
  static FaultDatabase server = TestServer.shared();

  @Test
  void killedProcessesLoseNothingAndHandleNothingTwice() throws Exception {
    Outcome outcome =
        CrashLoop.run(
            server,
            FaultScenario.CRASH_LOOP.label(),
            new PostgresQueue(),
            new CrashLoop.Settings(1_500, 0.1, 4, 3, 1, 1, 100, 20261121L, Duration.ofMinutes(2)),
            TestServer.logs());
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat(outcome.verdict().count("inputs")).isEqualTo(1_500);
    assertThat(outcome.verdict().count("copies")).isGreaterThan(1_500);
    // at least one SIGKILL landed mid-flow; how many of the planned four land before the flow
    // ends depends on the machine's speed, and the books above are what must hold for each
    assertThat((Integer) outcome.facts().get("kills")).as(outcome.line()).isPositive();
  }
}
