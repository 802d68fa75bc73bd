package dev.pump.benchmarks.harness;

import dev.pump.benchmarks.report.Plot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads Pump's own meters from a service's registry every few seconds, as a dashboard would, and
 * draws them into a PNG: messages handled per second and their mean processing time, the input
 * queue's depth and oldest age, the outbox's pending rows and oldest age. Not thread-safe: {@link
 * #sample} from one thread.
 */
public final class DashboardRecorder {
  private final MeterRegistry registry;
  private final String queue;
  private final long startNanos;
  private final List<double[]> handledPerSecond = new ArrayList<>();
  private final List<double[]> meanProcessMs = new ArrayList<>();
  private final List<double[]> queueDepth = new ArrayList<>();
  private final List<double[]> queueAge = new ArrayList<>();
  private final List<double[]> outboxPending = new ArrayList<>();
  private final List<double[]> outboxAge = new ArrayList<>();
  private long lastNanos;
  private long lastCount;
  private double lastTotalMs;

  /** Records the meters of {@code registry}, for the input {@code queue}, from {@code start}. */
  public DashboardRecorder(MeterRegistry registry, String queue, long startNanos) {
    this.registry = registry;
    this.queue = queue;
    this.startNanos = startNanos;
    this.lastNanos = startNanos;
  }

  /** Takes one point of every series. */
  public void sample() {
    long now = System.nanoTime();
    double t = (now - startNanos) / 1e9;
    long count = 0;
    double totalMs = 0;
    for (Timer timer :
        registry.find("messaging.process.duration").tag("pump.outcome", "handled").timers()) {
      count += timer.count();
      totalMs += timer.totalTime(TimeUnit.MILLISECONDS);
    }
    double seconds = (now - lastNanos) / 1e9;
    long handled = count - lastCount;
    handledPerSecond.add(new double[] {t, seconds > 0 ? handled / seconds : 0});
    meanProcessMs.add(new double[] {t, handled > 0 ? (totalMs - lastTotalMs) / handled : 0});
    queueDepth.add(new double[] {t, gauge("pump.queue.depth", "queue", queue)});
    queueAge.add(new double[] {t, gauge("pump.queue.oldest.age", "queue", queue)});
    outboxPending.add(new double[] {t, sum("pump.outbox.pending")});
    outboxAge.add(new double[] {t, max("pump.outbox.oldest.age")});
    lastNanos = now;
    lastCount = count;
    lastTotalMs = totalMs;
  }

  /** Draws the series into {@code file}, under {@code title}. */
  public void write(Path file, String title) throws IOException {
    new Plot(title)
        .panel(
            "Messages handled per second",
            "msgs/s",
            List.of(new Plot.Series("handled", handledPerSecond)))
        .panel(
            "Mean processing time (messaging.process.duration)",
            "ms",
            List.of(new Plot.Series("mean", meanProcessMs)))
        .panel(
            "Backlogs (pump.queue.depth of the input queue, pump.outbox.pending)",
            "messages",
            List.of(
                new Plot.Series("input queue", queueDepth),
                new Plot.Series("outbox", outboxPending)))
        .panel(
            "Oldest waiting (pump.queue.oldest.age, pump.outbox.oldest.age)",
            "s",
            List.of(new Plot.Series("input queue", queueAge), new Plot.Series("outbox", outboxAge)))
        .write(file);
  }

  private double gauge(String name, String tag, String value) {
    Gauge gauge = registry.find(name).tag(tag, value).gauge();
    return gauge == null ? 0 : gauge.value();
  }

  private double sum(String name) {
    return registry.find(name).gauges().stream().mapToDouble(Gauge::value).sum();
  }

  private double max(String name) {
    return registry.find(name).gauges().stream().mapToDouble(Gauge::value).max().orElse(0);
  }
}
