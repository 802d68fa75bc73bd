package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.DatabaseOutage;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * database-outage, fast: connections terminated three times, then the embedded server stopped for 5
 * s and started again on the same data, during a load through separate processes. Nobody restarts
 * them; the books are clean.
 */
class DatabaseOutageTest {
  @Test
  void processesResumeByThemselvesAndTheBooksAreClean() throws Exception {
    FaultDatabase server = TestServer.shared();
    Outcome outcome =
        DatabaseOutage.run(
            server,
            FaultScenario.DATABASE_OUTAGE.label(),
            new DatabaseOutage.Settings(
                1_200, 100, 3, Duration.ofSeconds(5), 7L, Duration.ofMinutes(2)),
            TestServer.logs());
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat((Integer) outcome.facts().get("connectionsTerminated")).isPositive();
    if (server.embedded()) {
      assertThat((Long) outcome.facts().get("resumedAfterMs")).as(outcome.line()).isNotNegative();
    }
  }
}
