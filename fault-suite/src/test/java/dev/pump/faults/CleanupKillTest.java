package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.CleanupKill;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * kill-during-cleanup, fast: retention cleaner processes are SIGKILLed while they purge (20,000
 * aged outbox and inbox rows before each launch); every aged row goes, every row retention must
 * keep stays, and the inbox still absorbs repeats.
 */
class CleanupKillTest {
  static FaultDatabase server = TestServer.shared();

  @Test
  void killsDuringRetentionCleanupPurgeNothingTooMuchAndEverythingDueInTheEnd() throws Exception {
    Outcome outcome =
        CleanupKill.run(
            server,
            FaultScenario.KILL_DURING_CLEANUP.label(),
            new CleanupKill.Settings(500, 20_000, 3, 20261121L, Duration.ofMinutes(2)),
            TestServer.logs());
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat((Integer) outcome.facts().get("killsWhilePurging")).isPositive();
    assertThat(outcome.verdict().count("purged")).isGreaterThan(160_000);
    assertThat(outcome.facts()).containsEntry("repeatsAbsorbed", true);
  }
}
