package dev.pump.micrometer;

import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.memory.InMemoryTransport;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An endpoint on the in-memory transport, measured, handling one message; returns the names of the
 * meters registered. {@link WithoutJdbcTest} runs it in a class loader that hides {@code
 * dev.pump.jdbc}.
 */
public final class InMemoryScenario implements Supplier<Set<String>> {
  /** A message. */
  public record Ping(int number) {}

  @Override
  public Set<String> get() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger handled = new AtomicInteger();
    try (PumpMetrics metrics = PumpMetrics.builder().registry(registry).build();
        InMemoryTransport transport = InMemoryTransport.create();
        Endpoint endpoint =
            Endpoint.builder()
                .name("in-memory")
                .transport(transport)
                .classLoader(getClass().getClassLoader())
                .telemetry(metrics)
                .handler(Ping.class, (ping, context) -> handled.incrementAndGet())
                .build()) {
      metrics.start();
      endpoint.start();
      endpoint.withoutOutbox().send("in-memory", new Ping(1));
      await()
          .until(() ->
              handled.get() == 1 && registry.find(ProcessMeters.PROCESS_DURATION).timer() != null);
      Set<String> names = new TreeSet<>();
      for (Meter meter : registry.getMeters()) {
        names.add(meter.getId().getName());
      }
      return names;
    }
  }
}
