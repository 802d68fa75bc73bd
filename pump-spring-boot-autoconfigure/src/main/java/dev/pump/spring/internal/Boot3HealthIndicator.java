package dev.pump.spring.internal;

import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.spring.PumpEndpoints;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** Pump's health indicator on Spring Boot 3's health API ({@code ...actuate.health}). */
public final class Boot3HealthIndicator extends AbstractHealthIndicator {
  private final PumpEndpoints endpoints;
  private final ObjectProvider<OutboxDispatcher> dispatchers;

  /** An indicator over these endpoints and dispatchers. */
  public Boot3HealthIndicator(
      PumpEndpoints endpoints, ObjectProvider<OutboxDispatcher> dispatchers) {
    super("Pump health check failed");
    this.endpoints = endpoints;
    this.dispatchers = dispatchers;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    PumpHealthReport report = PumpHealthReport.of(endpoints, dispatchers.orderedStream().toList());
    (report.up() ? builder.up() : builder.down()).withDetails(report.details());
  }
}
