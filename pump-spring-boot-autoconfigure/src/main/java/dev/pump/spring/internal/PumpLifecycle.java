package dev.pump.spring.internal;

import dev.pump.core.Lifecycle;
import dev.pump.core.Service;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a group of Pump's parts as one Spring {@link SmartLifecycle}: started when the context is
 * ready, stopped in Spring's shutdown phases on a thread of its own, which calls Spring back when
 * they stopped. Two groups run: the endpoints, in {@link #ENDPOINTS_PHASE}, below the web server's
 * phases (so the server stops taking requests first), and the workers (dispatcher, cleaner, metrics
 * sampler) one phase lower, so they start first and stop last, with the grace the endpoints left.
 */
public final class PumpLifecycle implements SmartLifecycle {
  /** The endpoints' phase: below Spring Boot's web server phases, which stop first. */
  public static final int ENDPOINTS_PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  /** The workers' phase: one below the endpoints', so they start first and stop last. */
  public static final int WORKERS_PHASE = ENDPOINTS_PHASE - 1;

  private final String name;
  private final int phase;
  private final Service service;
  private final Supplier<Duration> grace;
  private volatile boolean running;
  private volatile long stopDeadline;

  private PumpLifecycle(String name, int phase, Service service, Supplier<Duration> grace) {
    this.name = name;
    this.phase = phase;
    this.service = service;
    this.grace = grace;
  }

  /** The endpoints' lifecycle: each stops within {@code grace}. */
  public static PumpLifecycle endpoints(List<? extends Lifecycle> endpoints, Duration grace) {
    Service service = Service.builder().endpoints(endpoints.toArray(Lifecycle[]::new)).build();
    return new PumpLifecycle("Pump endpoints", ENDPOINTS_PHASE, service, () -> grace);
  }

  /**
   * The workers' lifecycle: they stop with what {@code endpoints} left of their grace, at least
   * {@link Service#MIN_WORKER_GRACE}.
   */
  public static PumpLifecycle workers(List<? extends Lifecycle> workers, PumpLifecycle endpoints) {
    Service service = Service.builder().workers(workers.toArray(Lifecycle[]::new)).build();
    return new PumpLifecycle("Pump workers", WORKERS_PHASE, service, endpoints::graceLeft);
  }

  @Override
  public void start() {
    service.start();
    running = true;
  }

  @Override
  public void stop() {
    Duration stopGrace = grace.get();
    stopDeadline = System.nanoTime() + stopGrace.toNanos();
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

  /** What is left of this group's grace since its stop began; all of it before. */
  Duration graceLeft() {
    long deadline = stopDeadline;
    Duration left =
        deadline == 0 ? grace.get() : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    return left.compareTo(Service.MIN_WORKER_GRACE) < 0 ? Service.MIN_WORKER_GRACE : left;
  }

  @Override
  public String toString() {
    return name;
  }
}
