package dev.pump.micrometer;

import dev.pump.core.internal.shared.Loggers;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what needs I/O (the storage's statistics, the dispatchers' health) once per interval on one
 * background thread, for gauges that only read the last sample: a scrape never queries, however
 * often it comes and however many gauges it reads. A failing sample keeps the last values, counts
 * as failed and is logged at most once a minute; {@code pump.metrics.sample.age} shows how old the
 * values are. Thread-safe.
 */
final class Sampler {
  static final String SAMPLE_AGE = "pump.metrics.sample.age";
  static final String SAMPLES = "pump.metrics.samples";

  private static final Logger log = LoggerFactory.getLogger(Loggers.TELEMETRY);
  private static final long LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

  /** Something sampled: one short query, or a few. */
  interface Part {
    /** Reads and stores the values; throws if it could not. */
    void sample();
  }

  private final MeterRegistry registry;
  private final Clock clock;
  private final List<Part> parts = new CopyOnWriteArrayList<>();
  private final Object sampling = new Object();
  private volatile long lastSampleMillis;
  private volatile Counter succeeded;
  private volatile Counter failed;
  private long lastLogNanos;
  private long failuresNotLogged;
  private boolean failing;
  private ScheduledExecutorService executor;

  Sampler(MeterRegistry registry) {
    this.registry = registry;
    this.clock = registry.config().clock();
  }

  /** Samples {@code part} too, from the next sample on; registers the sampler's meters first. */
  synchronized void add(Part part) {
    if (succeeded == null) {
      // a sample that never came shows as old too: the age counts from here
      lastSampleMillis = clock.wallTime();
      TimeGauge.builder(
              SAMPLE_AGE, this, TimeUnit.MILLISECONDS, s -> s.clock.wallTime() - s.lastSampleMillis)
          .description("How old the sampled gauges (outbox, queues, breakers) are")
          .strongReference(true)
          .register(registry);
      succeeded = samples("ok");
      failed = samples("failed");
    }
    parts.add(part);
  }

  private Counter samples(String result) {
    return Counter.builder(SAMPLES)
        .description("Samples of the outbox, queues and dispatchers taken, by result")
        .tag("result", result)
        .register(registry);
  }

  /** Samples now, then every {@code interval}, on a daemon thread of its own. */
  synchronized void start(Duration interval) {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pump-metrics-sampler").daemon().factory());
    executor.scheduleWithFixedDelay(this::sampleNow, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Stops sampling: a sample under way may finish within {@code grace}, then it is interrupted. */
  void stop(Duration grace) {
    ScheduledExecutorService running;
    synchronized (this) {
      running = executor;
    }
    if (running == null) {
      return;
    }
    running.shutdown();
    try {
      if (!running.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        running.shutdownNow();
      }
    } catch (InterruptedException e) {
      running.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Takes one sample of every part, now, on the calling thread. */
  void sampleNow() {
    if (parts.isEmpty()) {
      return;
    }
    synchronized (sampling) {
      RuntimeException failure = null;
      for (Part part : parts) {
        try {
          part.sample();
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      if (failure == null) {
        lastSampleMillis = clock.wallTime();
        succeeded.increment();
        recovered();
      } else {
        failed.increment();
        logFailure(failure);
      }
    }
  }

  private void logFailure(RuntimeException failure) {
    long now = System.nanoTime();
    if (!failing || now - lastLogNanos >= LOG_EVERY_NANOS) {
      log.warn(
          "Sampling the outbox, queues or dispatchers for metrics failed{}; the gauges keep"
              + " their last values",
          failuresNotLogged > 0 ? " (" + failuresNotLogged + " more times since last said)" : "",
          failure);
      lastLogNanos = now;
      failuresNotLogged = 0;
    } else {
      failuresNotLogged++;
    }
    failing = true;
  }

  private void recovered() {
    if (failing) {
      log.info("Sampling for metrics works again");
      failing = false;
      failuresNotLogged = 0;
    }
  }
}
