package dev.pump.examples.guide;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointHealth;
import dev.pump.core.Service;
import dev.pump.core.spi.Transport;
import dev.pump.examples.guide.GuideMessages.PriceOrder;
import dev.pump.jdbc.DispatcherHealth;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.micrometer.PumpMetrics;
import dev.pump.opentelemetry.PumpTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a service turns on Pump's metrics and traces, and reads its health. */
public final class Observability {
  private static final Logger log = LoggerFactory.getLogger(Observability.class);

  private Observability() {}

  /** An endpoint and its dispatcher, measured and traced. */
  public static Service observed(
      JdbcStorage storage,
      Transport transport,
      MeterRegistry meterRegistry,
      OpenTelemetry openTelemetry) {
    // docs:observability
    PumpMetrics metrics =
        PumpMetrics.builder()
            .registry(meterRegistry) // e.g. Spring Boot's, or a PrometheusMeterRegistry
            .storage(storage) // outbox and queue gauges: one query per sampling interval
            .build();
    PumpTracing tracing = PumpTracing.create(openTelemetry); // the application's SDK
    Endpoint pricing =
        Endpoint.builder()
            .name("pricing")
            .transport(transport)
            .storage(storage)
            .telemetry(metrics)
            .telemetry(tracing)
            .handler(PriceOrder.class, (order, context) -> {})
            .build();
    OutboxDispatcher dispatcher =
        OutboxDispatcher.builder()
            .storage(storage)
            .transport(transport)
            .telemetry(metrics)
            .telemetry(tracing)
            .build();
    metrics.monitor(dispatcher); // its breaker per destination
    Service service =
        Service.builder()
            .resources(storage, transport)
            .workers(metrics, dispatcher) // metrics: the sampler of the SQL gauges
            .endpoints(pricing)
            .build();
    // docs:end
    return service;
  }

  /** What a readiness probe reports. */
  public static boolean ready(Endpoint pricing, OutboxDispatcher dispatcher) {
    // docs:ops-health
    EndpointHealth endpoint = pricing.health(); // from memory, no I/O
    DispatcherHealth relay = dispatcher.health(); // one query: the oldest pending row
    if (!endpoint.healthy()) {
      log.warn(
          "{} is {}: receiving {}, settling {}, last error {}",
          endpoint.endpoint(),
          endpoint.state(),
          endpoint.receiving(),
          endpoint.settling(),
          endpoint.lastError());
    }
    if (relay.oldestPending().compareTo(Duration.ofMinutes(5)) > 0) {
      log.warn("outbox not draining; paused destinations {}", relay.pausedDestinations());
    }
    return endpoint.healthy() && relay.running();
    // docs:end
  }
}
