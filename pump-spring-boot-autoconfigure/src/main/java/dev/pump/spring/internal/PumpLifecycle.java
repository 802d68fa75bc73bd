package dev.pump.spring.internal;

import dev.pump.core.Lifecycle;
import dev.pump.core.Service;
import java.time.Duration;
import java.util.List;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a group of Pump's parts as one Spring {@link SmartLifecycle}: started when the context is
 * ready, stopped in Spring's shutdown phases on a thread of its own, which calls Spring back when
 * they stopped. Two groups run: the endpoints, in {@link #ENDPOINTS_PHASE}, below the web server's
 * phases (so the server stops taking requests first), and the workers (dispatcher, cleaner, metrics
 * sampler) one phase lower, so they start first and stop last, with the grace the endpoints left.
 * The two share a {@link ShutdownBudget}, never a reference to each other: Spring stops a lifecycle
 * bean's dependents together with it, which would stop the dispatcher before the endpoints it
 * relays for.
 */
public final class PumpLifecycle implements SmartLifecycle {
  /** The endpoints' phase: below Spring Boot's web server phases, which stop first. */
  public static final int ENDPOINTS_PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  /** The workers' phase: one below the endpoints', so they start first and stop last. */
  public static final int WORKERS_PHASE = ENDPOINTS_PHASE - 1;

  private final String name;
  private final int phase;
  private final Service service;
  private final ShutdownBudget budget;
  private final boolean endpoints;
  private volatile boolean running;

  private PumpLifecycle(
      String name, int phase, Service service, ShutdownBudget budget, boolean endpoints) {
    this.name = name;
    this.phase = phase;
    this.service = service;
    this.budget = budget;
    this.endpoints = endpoints;
  }

  /**
   * The endpoints' lifecycle: they stop within the budget's grace, whose clock their stop starts.
   */
  public static PumpLifecycle endpoints(
      List<? extends Lifecycle> endpoints, ShutdownBudget budget) {
    Service service = Service.builder().endpoints(endpoints.toArray(Lifecycle[]::new)).build();
    return new PumpLifecycle("Pump endpoints", ENDPOINTS_PHASE, service, budget, true);
  }

  /**
   * The workers' lifecycle: they stop with what the endpoints left of the budget's grace, at least
   * {@link Service#MIN_WORKER_GRACE}.
   */
  public static PumpLifecycle workers(List<? extends Lifecycle> workers, ShutdownBudget budget) {
    Service service = Service.builder().workers(workers.toArray(Lifecycle[]::new)).build();
    return new PumpLifecycle("Pump workers", WORKERS_PHASE, service, budget, false);
  }

  @Override
  public void start() {
    service.start();
    running = true;
  }

  @Override
  public void stop() {
    Duration stopGrace = endpoints ? budget.begin() : budget.left();
    try {
      service.stop(stopGrace);
    } finally {
      running = false;
    }
  }

  @Override
  public void stop(Runnable callback) {
    Thread.ofPlatform()
        .name(name + " stop")
        .start(() -> {
          try {
            stop();
          } finally {
            callback.run();
          }
        });
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return phase;
  }

  @Override
  public String toString() {
    return name;
  }
}
