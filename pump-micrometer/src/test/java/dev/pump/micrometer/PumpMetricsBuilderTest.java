package dev.pump.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.PumpConfigurationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code build()} names every bad setting at once, and a lifecycle runs once. */
class PumpMetricsBuilderTest {
  @Test
  void aMissingRegistryAndAnIntervalOutOfRangeAreNamedTogether() {
    assertThatThrownBy(() -> PumpMetrics.builder().samplingInterval(Duration.ZERO).build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("metrics.registry must be set")
        .hasMessageContaining("metrics.samplingInterval must be between PT1S and PT10M, was PT0S");
  }

  @Test
  void theIntervalMayBeAtMostTenMinutesAndIsRequired() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    assertThatThrownBy(() ->
            PumpMetrics.builder()
                .registry(registry)
                .samplingInterval(Duration.ofMinutes(10).plusMillis(1))
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("metrics.samplingInterval must be between PT1S and PT10M");
    assertThatThrownBy(
            () -> PumpMetrics.builder().registry(registry).samplingInterval(null).build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("metrics.samplingInterval");
  }

  @Test
  void itStartsOnceAndStopsAnyNumberOfTimes() {
    PumpMetrics metrics = PumpMetrics.builder().registry(new SimpleMeterRegistry()).build();

    metrics.start();
    assertThatThrownBy(metrics::start).isInstanceOf(IllegalStateException.class);
    metrics.stop(Duration.ofSeconds(1));
    metrics.close();
    assertThatThrownBy(metrics::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void withoutAStorageOrADispatcherNothingIsRegisteredAtBuild() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    PumpMetrics.builder().registry(registry).build().close();

    assertThat(registry.getMeters()).isEmpty();
  }
}
