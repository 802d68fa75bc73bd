package dev.pump.test.internal.spring;

import dev.pump.core.spi.Serializer;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.spring.PumpEndpointCustomizer;
import dev.pump.spring.PumpEndpoints;
import dev.pump.spring.autoconfigure.PumpAutoConfiguration;
import dev.pump.test.internal.Flow;
import dev.pump.test.internal.KitClock;
import dev.pump.test.internal.Recorder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The kit in an application context: its telemetry on every endpoint and dispatcher, its clock on
 * every endpoint, and the {@link Flow} the tests get. The clock is no {@code Clock} bean, so an
 * application that injects its own {@code Clock} keeps it.
 */
@AutoConfiguration(after = PumpAutoConfiguration.class)
public class PumpTestAutoConfiguration {
  /** Creates the configuration; Spring calls it. */
  public PumpTestAutoConfiguration() {}

  /** The kit's clock, held out of the way of the application's own {@code Clock} beans. */
  public record TestTime(KitClock clock) {}

  /** The kit's clock. */
  @Bean
  public TestTime pumpTestTime() {
    return new TestTime(new KitClock());
  }

  /** What the endpoints handle and what failed, for the idle check. */
  @Bean
  public Recorder pumpTestRecorder() {
    return new Recorder();
  }

  /** Every endpoint on the kit's clock. */
  @Bean
  public PumpEndpointCustomizer pumpTestClock(TestTime time) {
    return (name, builder) -> builder.clock(time.clock());
  }

  /** The tests' {@code TestPump}. */
  @Bean
  public Flow pumpTestFlow(
      JdbcStorage storage,
      Transport transport,
      Serializer serializer,
      PumpEndpoints endpoints,
      ObjectProvider<OutboxDispatcher> dispatchers,
      Recorder recorder,
      TestTime time) {
    return new Flow(
        new SpringWiring(storage, transport, serializer, endpoints, dispatchers, time.clock()),
        recorder,
        time.clock());
  }
}
