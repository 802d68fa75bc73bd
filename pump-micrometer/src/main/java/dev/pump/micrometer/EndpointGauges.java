package dev.pump.micrometer;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointHealth;
import dev.pump.core.EndpointHealth.BreakerState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of each endpoint's {@link Endpoint#health()}, read from memory at each scrape. The gauges
 * of a name read the endpoint built last under it, so an endpoint built again (a restarted service
 * in the same process) takes over its series. Thread-safe.
 */
final class EndpointGauges {
  static final String IN_FLIGHT = "pump.endpoint.in.flight";
  static final String CONCURRENCY = "pump.endpoint.concurrency";
  static final String HEALTHY = "pump.endpoint.healthy";
  static final String BREAKER_OPEN = "pump.endpoint.breaker.open";

  private final MeterRegistry registry;
  private final ConcurrentMap<String, AtomicReference<Endpoint>> endpoints =
      new ConcurrentHashMap<>();

  EndpointGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Shows {@code endpoint}'s health from now on. */
  void add(Endpoint endpoint) {
    endpoints.computeIfAbsent(endpoint.name(), name -> register(name, endpoint)).set(endpoint);
  }

  private AtomicReference<Endpoint> register(String name, Endpoint first) {
    AtomicReference<Endpoint> current = new AtomicReference<>(first);
    gauge(IN_FLIGHT, "Messages the endpoint is processing now", name, current, h -> h.inFlight());
    gauge(
        CONCURRENCY,
        "The most messages the endpoint processes at once",
        name,
        current,
        h -> h.concurrency());
    gauge(
        HEALTHY,
        "1 when the endpoint runs and neither its receives nor its settles fail for good",
        name,
        current,
        h -> h.healthy() ? 1 : 0);
    Gauge.builder(BREAKER_OPEN, current, c -> open(c.get().health().receiving()))
        .description("1 when the endpoint's breaker is open: receives, or settles, fail for good")
        .tag(Tagging.ENDPOINT, name)
        .tag("breaker", "receive")
        .strongReference(true)
        .register(registry);
    Gauge.builder(BREAKER_OPEN, current, c -> open(c.get().health().settling()))
        .description("1 when the endpoint's breaker is open: receives, or settles, fail for good")
        .tag(Tagging.ENDPOINT, name)
        .tag("breaker", "settle")
        .strongReference(true)
        .register(registry);
    return current;
  }

  private void gauge(
      String meter,
      String description,
      String endpoint,
      AtomicReference<Endpoint> current,
      ToDoubleFunction<EndpointHealth> value) {
    Gauge.builder(meter, current, c -> value.applyAsDouble(c.get().health()))
        .description(description)
        .tag(Tagging.ENDPOINT, endpoint)
        .strongReference(true)
        .register(registry);
  }

  private static double open(BreakerState state) {
    return state == BreakerState.OPEN ? 1 : 0;
  }
}
