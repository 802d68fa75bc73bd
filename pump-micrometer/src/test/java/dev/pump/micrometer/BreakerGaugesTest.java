package dev.pump.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.testing.ForwardingTransport;
import dev.pump.core.testing.RecordingTransport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The breaker gauges open while receives, or a destination's sends, fail again and again. */
@ExtendWith(PostgresExtension.class)
class BreakerGaugesTest {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  record Ping(int number) {}

  @Test
  void theReceiveBreakerGaugeOpensWhileReceivesFailAndTheEndpointIsNotHealthy() {
    PumpMetrics metrics = PumpMetrics.builder().registry(registry).build();
    RecordingTransport transport = new RecordingTransport(InMemoryTransport.create());
    transport.failReceives(true);
    Endpoint endpoint =
        Endpoint.builder()
            .name("cut-off")
            .transport(transport)
            .receiveBackoff(Duration.ofMillis(1), Duration.ofMillis(10))
            .circuitBreakerThreshold(3)
            .telemetry(metrics)
            .handler(Ping.class, (ping, context) -> {})
            .build();
    Map<String, String> receive = Map.of("pump_endpoint", "cut-off", "breaker", "receive");
    Map<String, String> cutOff = Map.of("pump_endpoint", "cut-off");
    try (endpoint) {
      endpoint.start();

      await().until(() -> Scrape.of(registry).value("pump_endpoint_breaker_open", receive) == 1);
      assertThat(Scrape.of(registry).value("pump_endpoint_healthy", cutOff)).isZero();
      assertThat(
              Scrape.of(registry)
                  .sum(
                      "messaging_client_operation_duration_seconds_count",
                      Map.of(
                          "messaging_operation_name",
                          "receive",
                          "error_type",
                          TransportException.class.getName())))
          .isPositive();

      transport.failReceives(false);
      await().until(() -> Scrape.of(registry).value("pump_endpoint_breaker_open", receive) == 0);
      assertThat(Scrape.of(registry).value("pump_endpoint_healthy", cutOff)).isEqualTo(1);
    }
  }

  @Test
  void aDestinationTheDispatcherPausedReadsOpenUntilItsSendsSucceedAgain(TestDatabase db) {
    JdbcStorage storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    FailingSends transport = new FailingSends(InMemoryTransport.create());
    transport.failing.add("down");
    PumpMetrics metrics = PumpMetrics.builder().registry(registry).storage(storage).build();
    Endpoint sender =
        Endpoint.builder().name("sender").transport(transport).storage(storage).build();
    storage.inTransaction(
        sender,
        (handle, sent) -> {
          sent.send("down", new Ping(1), SendOptions.DEFAULT);
          sent.send("up", new Ping(2), SendOptions.DEFAULT);
          return null;
        });
    try (OutboxDispatcher dispatcher =
        OutboxDispatcher.builder()
            .storage(storage)
            .transport(transport)
            .telemetry(metrics)
            .pollInterval(Duration.ofMillis(50))
            .retryBackoff(Duration.ofMillis(20))
            .maxRetryBackoff(Duration.ofMillis(100))
            .maxAttempts(1000)
            .circuitBreakerThreshold(2)
            .circuitBreakerPause(Duration.ofMillis(200))
            .build()) {
      metrics.monitor(dispatcher);
      dispatcher.start();

      await().until(() -> breakerOpen(metrics, "down") == 1);
      assertThat(breakerOpen(metrics, "up")).isZero();
      assertThat(
              Scrape.of(registry)
                  .sum(
                      "messaging_client_sent_messages_total",
                      Map.of(
                          "messaging_destination_name",
                          "down",
                          "error_type",
                          TransportException.class.getName())))
          .isGreaterThanOrEqualTo(2);

      transport.failing.clear();
      await().until(() -> breakerOpen(metrics, "down") == 0);
    }
  }

  private double breakerOpen(PumpMetrics metrics, String destination) {
    metrics.sampleNow();
    return Scrape.of(registry)
        .value("pump_dispatcher_breaker_open", Map.of("destination", destination));
  }

  /** Fails every send to the queues in {@link #failing}. */
  static final class FailingSends extends ForwardingTransport {
    final Set<String> failing = ConcurrentHashMap.newKeySet();

    FailingSends(InMemoryTransport delegate) {
      super(delegate);
    }

    @Override
    public void send(String queue, List<OutgoingMessage> batch) {
      if (failing.contains(queue)) {
        throw new TransportException(queue + " is unreachable");
      }
      super.send(queue, batch);
    }
  }
}
