package dev.pump.core.internal.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.PumpConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProblemsTest {
  @Test
  void namesEveryProblemAtOnceInTheOrderFound() {
    Problems problems = new Problems();
    problems.required("dispatcher.storage", null);
    problems.range("dispatcher.claimSize", 0, 1, 100);
    problems.range(
        "dispatcher.pollInterval", Duration.ofHours(2), Duration.ZERO, Duration.ofMinutes(10));
    problems.name("endpoint.name", "bad name;");
    problems.positive("cleaner.interval", Duration.ZERO);

    assertThatThrownBy(problems::throwIfAny)
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageStartingWith(
            "dispatcher.storage must be set; dispatcher.claimSize must be between 1 and 100, was 0; dispatcher.pollInterval must be between PT0S and PT10M, was PT2H; ")
        .hasMessageContaining("endpoint.name")
        .hasMessageEndingWith("cleaner.interval must be positive, was PT0S");
    assertThat(problems.list()).hasSize(5);
  }

  @Test
  void settingsWithinTheirBoundsAreNoProblem() {
    Problems problems = new Problems();
    assertThat(problems.required("dispatcher.storage", "set")).isTrue();
    problems.range("dispatcher.claimSize", 100, 1, 100);
    problems.notNegative("dispatcher.batchWindow", Duration.ZERO);
    problems.name("endpoint.name", "orders");

    assertThat(problems.isEmpty()).isTrue();
    problems.throwIfAny();
  }
}
