package dev.pump.core;

import dev.pump.core.internal.shared.Loggers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops one service's parts in the right order, with one {@link #stop(Duration)}.
 *
 * <pre>{@code
 * Service service = Service.builder()
 *     .resources(storage, transport)      // closed last
 *     .workers(dispatcher, cleaner)       // started before the endpoints, stopped after them
 *     .endpoints(billing, shipping, orders) // started in this order: subscribers first
 *     .build();
 * service.start();
 * ...
 * service.stop(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>Start runs resources, then workers, then endpoints, in the order given; if one fails, it and
 * what started before it are stopped again and the failure is thrown. A stop while the service is
 * starting stops what started, and nothing more starts. Stop runs the other way: the endpoints stop
 * receiving and finish their messages in flight, all at once, within the grace; then the workers
 * (the dispatcher relays what those messages sent) within what is left of it, but never less than
 * {@link #MIN_WORKER_GRACE}; then the resources close. Thread-safe; stop is idempotent.
 */
public final class Service implements Lifecycle {
  /** The grace workers get even when the endpoints used all of it. */
  public static final Duration MIN_WORKER_GRACE = Duration.ofSeconds(1);

  /** The grace of {@link #close()}: 30 seconds. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(Loggers.SERVICE);

  private final List<Lifecycle> resources;
  private final List<Lifecycle> workers;
  private final List<Lifecycle> endpoints;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private Service(Builder builder) {
    this.resources = List.copyOf(builder.resources);
    this.workers = List.copyOf(builder.workers);
    this.endpoints = List.copyOf(builder.endpoints);
  }

  /** Returns an empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void start() {
    if (stopped.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("a service starts once");
    }
    List<Lifecycle> running = new ArrayList<>();
    try {
      for (List<Lifecycle> stage : List.of(resources, workers, endpoints)) {
        for (Lifecycle part : stage) {
          if (stopped.get()) {
            return; // a stop came while starting: it stops what started, nothing more starts
          }
          running.add(part); // stopped on failure too: it may have half started
          part.start();
        }
      }
    } catch (RuntimeException | Error e) {
      stopped.set(true);
      for (Lifecycle part : running.reversed()) {
        stopQuietly(part, Duration.ZERO, e);
      }
      throw e;
    }
  }

  @Override
  public void stop(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    List<Thread> stopping = new ArrayList<>();
    for (Lifecycle endpoint : endpoints) {
      stopping.add(
          Thread.ofVirtual()
              .name("stop-" + endpoint)
              .start(() -> stopQuietly(endpoint, grace, null)));
    }
    for (Thread thread : stopping) {
      joinUninterruptibly(thread);
    }
    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    Duration workerGrace = left.compareTo(MIN_WORKER_GRACE) < 0 ? MIN_WORKER_GRACE : left;
    for (Lifecycle worker : workers.reversed()) {
      stopQuietly(worker, workerGrace, null);
    }
    for (Lifecycle resource : resources.reversed()) {
      stopQuietly(resource, Duration.ZERO, null);
    }
  }

  /** Stops with {@link #DEFAULT_GRACE}. */
  @Override
  public void close() {
    stop(DEFAULT_GRACE);
  }

  private static void stopQuietly(Lifecycle part, Duration grace, Throwable cause) {
    try {
      part.stop(grace);
    } catch (RuntimeException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      } else {
        log.warn("Stopping {} failed", part, e);
      }
    }
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Collects a service's parts by role. Not thread-safe. */
  public static final class Builder {
    private final List<Lifecycle> resources = new ArrayList<>();
    private final List<Lifecycle> workers = new ArrayList<>();
    private final List<Lifecycle> endpoints = new ArrayList<>();

    private Builder() {}

    /**
     * Storages and transports the service owns: started first, closed last, after everything that
     * uses them stopped. Leave out those the application closes itself.
     */
    public Builder resources(Lifecycle... parts) {
      return add(resources, parts);
    }

    /**
     * What runs beside the endpoints, such as the outbox dispatcher and the retention cleaner:
     * started before the endpoints, stopped after them, so what the endpoints' last messages sent
     * is still relayed.
     */
    public Builder workers(Lifecycle... parts) {
      return add(workers, parts);
    }

    /** Endpoints, started in this order (subscribers before publishers) after the workers. */
    public Builder endpoints(Lifecycle... parts) {
      return add(endpoints, parts);
    }

    /**
     * Returns the service.
     *
     * @throws PumpConfigurationException if a part was given twice
     */
    public Service build() {
      List<Lifecycle> all = new ArrayList<>(resources);
      all.addAll(workers);
      all.addAll(endpoints);
      for (int i = 0; i < all.size(); i++) {
        for (int j = i + 1; j < all.size(); j++) {
          if (all.get(i) == all.get(j)) {
            throw new PumpConfigurationException("service: " + all.get(i) + " is given twice");
          }
        }
      }
      return new Service(this);
    }

    private Builder add(List<Lifecycle> role, Lifecycle... parts) {
      for (Lifecycle part : parts) {
        role.add(Objects.requireNonNull(part, "part"));
      }
      return this;
    }
  }
}
