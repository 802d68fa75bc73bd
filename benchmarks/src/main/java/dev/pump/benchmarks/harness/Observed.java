package dev.pump.benchmarks.harness;

import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.micrometer.PumpMetrics;
import dev.pump.opentelemetry.PumpTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything an observed Pump service runs beside its work, as production would: Pump's metrics on
 * a Prometheus registry scraped every 5 seconds, with the outbox and queues sampled at the default
 * interval, and every message traced (always-on sampling) through a batch span processor into an
 * exporter that counts and drops, so the cost is Pump's and the SDK's, not a network's.
 */
public final class Observed implements AutoCloseable {
  private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SdkTracerProvider tracerProvider;
  private final AtomicLong spansExported = new AtomicLong();
  private final PumpMetrics metrics;
  private final PumpTracing tracing;
  private final Thread scraper;

  /** Observes a service on {@code storage}; {@link #monitor} its dispatcher once built. */
  public Observed(JdbcStorage storage) {
    this(storage, PumpMetrics.DEFAULT_SAMPLING_INTERVAL);
  }

  /** As above, sampling the outbox and queues every {@code samplingInterval}. */
  public Observed(JdbcStorage storage, Duration samplingInterval) {
    this.tracerProvider =
        SdkTracerProvider.builder()
            .addSpanProcessor(BatchSpanProcessor.builder(new CountingExporter()).build())
            .build();
    this.tracing =
        PumpTracing.create(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build());
    this.metrics =
        PumpMetrics.builder()
            .registry(registry)
            .storage(storage)
            .samplingInterval(samplingInterval)
            .build();
    this.scraper =
        Thread.ofPlatform()
            .daemon()
            .name("bench-prometheus-scrape")
            .unstarted(() -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  Thread.sleep(SCRAPE_INTERVAL);
                } catch (InterruptedException e) {
                  return;
                }
                registry.scrape();
              }
            });
  }

  /** The telemetries to give the endpoint and the dispatcher. */
  public List<Telemetry> telemetries() {
    return List.of(metrics, tracing);
  }

  /** Also reports {@code dispatcher}'s breakers. */
  public void monitor(OutboxDispatcher dispatcher) {
    metrics.monitor(dispatcher);
  }

  /** Starts sampling and scraping. */
  public void start() {
    metrics.start();
    scraper.start();
  }

  /** The registry Pump's meters are on. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Spans handed to the exporter so far. */
  public long spansExported() {
    return spansExported.get();
  }

  @Override
  public void close() {
    scraper.interrupt();
    metrics.close();
    tracerProvider.close();
    registry.close();
  }

  private final class CountingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      spansExported.addAndGet(spans.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
