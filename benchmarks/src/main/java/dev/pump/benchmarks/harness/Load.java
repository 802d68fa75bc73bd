package dev.pump.benchmarks.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Drives a unit of work from a fixed number of threads: closed loop for throughput (each thread
 * starts its next unit when the last ended) or paced for latency (units start on a schedule).
 */
public final class Load {
  private Load() {}

  /** One unit of work, run by worker {@code worker}. */
  @FunctionalInterface
  public interface Work {
    void run(int worker) throws Exception;
  }

  /**
   * What a run did.
   *
   * @param units units completed
   * @param seconds wall time
   * @param latency nanoseconds per unit: from start to end in a closed loop, from the intended
   *     start to the end when paced
   */
  public record Run(long units, double seconds, Histogram latency) {
    public double rate() {
      return units / seconds;
    }
  }

  /** Runs {@code work} back to back on {@code threads} threads for {@code duration}. */
  public static Run closedLoop(int threads, Duration duration, Work work) {
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    return run(threads, work, worker -> System.nanoTime() < end ? System.nanoTime() : -1, start);
  }

  /**
   * Starts units at {@code ratePerSecond} for {@code duration}, on {@code threads} threads; a unit
   * whose thread was busy at its start time starts late, and its latency still counts from the time
   * it was meant to start, so a stall shows as the queue it would have built (no coordinated
   * omission).
   */
  public static Run paced(int threads, double ratePerSecond, Duration duration, Work work) {
    return paced(
        threads, Pace.startingNow(ratePerSecond, duration), (worker, ticket) -> work.run(worker));
  }

  /**
   * A schedule of units: unit {@code ticket} is meant to start at {@code startNanos + ticket *
   * intervalNanos} ({@link System#nanoTime()}), for tickets 0 to {@code count - 1}.
   */
  public record Pace(long startNanos, long intervalNanos, long count) {
    public static Pace startingNow(double ratePerSecond, Duration duration) {
      long interval = Math.max(1, Math.round(1e9 / ratePerSecond));
      return new Pace(System.nanoTime(), interval, Math.max(1, duration.toNanos() / interval));
    }

    long intended(long ticket) {
      return startNanos + ticket * intervalNanos;
    }
  }

  /** One scheduled unit of work: its ticket says when it was meant to start. */
  @FunctionalInterface
  public interface TicketWork {
    void run(int worker, long ticket) throws Exception;
  }

  /** As {@link #paced(int, double, Duration, Work)}, on the schedule {@code pace}. */
  public static Run paced(int threads, Pace pace, TicketWork work) {
    AtomicLong tickets = new AtomicLong();
    long[] current = new long[threads];
    return run(
        threads,
        worker -> work.run(worker, current[worker]),
        worker -> {
          long ticket = tickets.getAndIncrement();
          if (ticket >= pace.count()) {
            return -1;
          }
          current[worker] = ticket;
          long intended = pace.intended(ticket);
          long wait;
          while ((wait = intended - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          return intended;
        },
        pace.startNanos());
  }

  /** Gives a worker the start time of its next unit, or -1 when the run is over. */
  private interface Schedule {
    long next(int worker);
  }

  private static Run run(int threads, Work work, Schedule schedule, long start) {
    List<Thread> workers = new ArrayList<>();
    List<Histogram> histograms = new ArrayList<>();
    AtomicLong done = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < threads; i++) {
      Histogram histogram = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
      histograms.add(histogram);
      int worker = i;
      workers.add(
          Thread.ofPlatform()
              .name("bench-worker-" + i)
              .start(() -> {
                try {
                  long begin;
                  while (failure.get() == null && (begin = schedule.next(worker)) >= 0) {
                    work.run(worker);
                    histogram.recordValue(
                        Math.min(histogram.getHighestTrackableValue(), System.nanoTime() - begin));
                    done.incrementAndGet();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              }));
    }
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the workers", e);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failure.get() != null) {
      throw new IllegalStateException("a worker failed: " + failure.get(), failure.get());
    }
    Histogram merged = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    histograms.forEach(merged::add);
    return new Run(done.get(), seconds, merged);
  }

  /** p50, p99, p99.9 and max of {@code histogram}, in milliseconds. */
  public static Map<String, Object> percentiles(Histogram histogram) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("count", histogram.getTotalCount());
    json.put("p50_ms", DbCost.round(histogram.getValueAtPercentile(50) / 1e6));
    json.put("p99_ms", DbCost.round(histogram.getValueAtPercentile(99) / 1e6));
    json.put("p99_9_ms", DbCost.round(histogram.getValueAtPercentile(99.9) / 1e6));
    json.put("max_ms", DbCost.round(histogram.getMaxValue() / 1e6));
    return json;
  }
}
