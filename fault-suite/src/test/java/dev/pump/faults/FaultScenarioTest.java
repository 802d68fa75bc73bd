package dev.pump.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultScenarioTest {
  @Test
  void namesSelectScenariosInRunOrder() {
    assertThat(FaultScenario.parse("database-outage, crash-loop"))
        .containsExactly(FaultScenario.CRASH_LOOP, FaultScenario.DATABASE_OUTAGE);
    assertThat(FaultScenario.parse(FaultScenario.allNames()))
        .containsExactly(FaultScenario.values());
  }

  @Test
  void anUnknownNameIsRefusedWithTheValidNames() {
    assertThatThrownBy(() -> FaultScenario.parse("crash-loop,1,nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1, nope")
        .hasMessageContaining("crash-loop, database-outage, broker-outage")
        .hasMessageContaining("kill-during-cleanup");
  }
}
