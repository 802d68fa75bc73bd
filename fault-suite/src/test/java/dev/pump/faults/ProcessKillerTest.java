package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Probe 8, as in the full suite: one input halts every endpoint process that handles it, among 100
 * ordinary inputs on the PostgreSQL transport. The relaunched process counts each of its deliveries
 * and runs it alone once it comes back, so the killer is parked after {@link Sut#MAX_DELIVERIES}
 * deliveries and no ordinary input is parked beside it (the regression the probe first found).
 */
class ProcessKillerTest {
  static FaultDatabase server = TestServer.shared();

  @Test
  void aMessageThatKillsItsProcessIsParkedAndTakesNoOtherMessageWithIt() throws Exception {
    Outcome outcome = ProcessKiller.run(server, "processkiller", null, 15, TestServer.logs());
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat(outcome.facts())
        .containsEntry("killerParked", true)
        .containsEntry("othersHandled", true);
    assertThat(outcome.verdict().count("errorQueue")).as("only the killer is parked").isEqualTo(1);
    assertThat(outcome.verdict().count("orders")).isEqualTo(100);
  }
}
