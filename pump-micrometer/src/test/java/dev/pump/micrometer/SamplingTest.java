package dev.pump.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SQL-sampled gauges query once per sampling interval on their own thread, never per scrape; a
 * failing sample keeps the last values and shows as failed and ageing.
 */
@ExtendWith(PostgresExtension.class)
class SamplingTest {
  static JdbcStorage storage;
  static PostgresTransport transport;
  static Endpoint sender;
  final MockClock clock = new MockClock();
  final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);

  record Parcel(int number) {}

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    transport = PostgresTransport.builder().storage(storage).build();
    sender = Endpoint.builder().name("sender").transport(transport).storage(storage).build();
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  @BeforeEach
  void clean() {
    storage
        .jdbi()
        .useHandle(h -> h.execute("TRUNCATE pump.outbox, pump.inbox, pump.queue_message"));
  }

  @Test
  void theGaugesReadTheLastSampleHoweverOftenTheyAreScraped() {
    write("later", 2);
    Map<String, String> later = Map.of("destination", "later");
    try (PumpMetrics metrics =
        PumpMetrics.builder()
            .registry(registry)
            .storage(storage)
            .samplingInterval(Duration.ofMinutes(10))
            .build()) {
      metrics.start();
      await()
          .until(() ->
              Scrape.of(registry).sum("pump_metrics_samples_total", Map.of("result", "ok")) == 1);
      write("later", 1);

      for (int i = 0; i < 5; i++) {
        Scrape scrape = Scrape.of(registry);
        assertThat(scrape.value("pump_outbox_pending", later)).isEqualTo(2);
        assertThat(scrape.value("pump_outbox_oldest_age_seconds", later)).isNotNegative();
        assertThat(scrape.value("pump_metrics_samples_total", Map.of("result", "ok"))).isEqualTo(1);
      }
    }
  }

  @Test
  void aFailingSampleKeepsTheLastValuesCountsAsFailedAndShowsItsAge(TestDatabase db) {
    HikariDataSource pool = PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 2);
    JdbcStorage ownStorage = JdbcStorage.builder().dataSource(pool).build();
    PumpMetrics metrics = PumpMetrics.builder().registry(registry).storage(ownStorage).build();
    write("kept", 2);
    Map<String, String> kept = Map.of("destination", "kept");
    metrics.sampleNow();
    assertThat(Scrape.of(registry).value("pump_metrics_sample_age_seconds", Map.of())).isZero();

    pool.close();
    write("kept", 1);
    metrics.sampleNow();
    clock.add(1, TimeUnit.MINUTES);

    Scrape scrape = Scrape.of(registry);
    assertThat(scrape.value("pump_outbox_pending", kept)).isEqualTo(2);
    assertThat(scrape.value("pump_metrics_samples_total", Map.of("result", "ok"))).isEqualTo(1);
    assertThat(scrape.value("pump_metrics_samples_total", Map.of("result", "failed"))).isEqualTo(1);
    assertThat(scrape.value("pump_metrics_sample_age_seconds", Map.of())).isEqualTo(60);
  }

  @Test
  void theSampleAgeCountsFromTheBuildUntilAFirstSampleSucceeds() {
    PumpMetrics.builder().registry(registry).storage(storage).build();
    clock.add(2, TimeUnit.MINUTES);

    assertThat(Scrape.of(registry).value("pump_metrics_sample_age_seconds", Map.of()))
        .isEqualTo(120);
  }

  private static void write(String destination, int messages) {
    storage.inTransaction(
        sender,
        (handle, sent) -> {
          for (int i = 0; i < messages; i++) {
            sent.send(destination, new Parcel(i), SendOptions.DEFAULT);
          }
          return null;
        });
  }
}
