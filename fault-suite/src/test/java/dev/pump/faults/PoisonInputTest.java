package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.PoisonInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * poison-input: hostile rows in the queue table land in the error queue with a reason a person can
 * read, the ones that are valid after all are handled once, and the load beside them is untouched.
 */
class PoisonInputTest {
  @Test
  void poisonGoesToTheErrorQueueWithAReasonAndNothingElseIsAffected() throws Exception {
    Outcome outcome =
        PoisonInput.run(TestServer.shared(), FaultScenario.POISON_INPUT.label(), 300, 5L);
    System.out.println(outcome.line());
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
    assertThat(outcome.verdict().count("errorQueue"))
        .isEqualTo(((Long) outcome.facts().get("expectedInErrorQueue")));
    @SuppressWarnings("unchecked")
    List<String> reasons = (List<String>) outcome.facts().get("reasons");
    assertThat(reasons).allSatisfy(reason -> assertThat(reason).matches(".+ -> .+: .{10,}"));
  }
}
