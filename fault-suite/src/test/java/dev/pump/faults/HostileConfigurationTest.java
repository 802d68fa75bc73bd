package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.ITERABLE;

import dev.pump.faults.report.Outcome;
import dev.pump.faults.scenario.HostileConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * hostile-configuration: every hostile name is refused at the boundary with an error naming what is
 * wrong, and the catalog and Pump's tables are the same before and after.
 */
class HostileConfigurationTest {
  @Test
  void hostileNamesAreRefusedAndTheDatabaseIsUntouched() throws Exception {
    Outcome outcome =
        HostileConfiguration.run(TestServer.shared(), FaultScenario.HOSTILE_CONFIGURATION.label());
    System.out.println(outcome.line());
    for (String fact : List.of("accepted", "unclearErrors", "catalogAdded", "catalogRemoved")) {
      assertThat(outcome.facts().get(fact)).as(fact).asInstanceOf(ITERABLE).isEmpty();
    }
    assertThat(outcome.clean()).as(outcome.line()).isTrue();
  }
}
