package dev.pump.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.micrometer.PumpMetrics;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard and the Prometheus alerts in {@code observability/} query real metrics: the
 * shop runs measured by {@link PumpMetrics}, and every metric their expressions name is in its
 * Prometheus scrape.
 */
@ExtendWith(PostgresExtension.class)
class ShopMetricsTest {
  private static final Path DASHBOARD = Path.of("../observability/grafana/pump-dashboard.json");
  private static final Path ALERTS = Path.of("../observability/prometheus/pump-alerts.yml");

  /** PromQL's own words the expressions use; any other name must be one of Pump's metrics. */
  private static final Set<String> PROMQL =
      Set.of(
          "sum",
          "max",
          "min",
          "rate",
          "increase",
          "delta",
          "histogram_quantile",
          "unless",
          "and",
          "or");

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @Test
  void everyMetricTheDashboardAndTheAlertsQueryIsInTheScrapeOfTheMeasuredShop(TestDatabase db)
      throws IOException {
    List<String> expressions = new ArrayList<>(dashboardExpressions());
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(20);
    List<String> alerts = alertExpressions();
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(6);
    expressions.addAll(alerts);
    Set<String> queried = new TreeSet<>();
    for (String expression : expressions) {
      Set<String> metrics = metricNames(expression);
      assertThat(metrics).as(expression).isNotEmpty();
      queried.addAll(metrics);
    }
    assertThat(queried)
        .contains(
            "messaging_process_duration_seconds_bucket",
            "pump_outbox_oldest_age_seconds",
            "pump_dispatcher_breaker_open",
            "pump_metrics_sample_age_seconds");

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ShopDatabase database =
        ShopDatabase.open(new ShopSettings(db.jdbcUrl(), db.user(), db.password(), null))) {
      database.prepare();
      try (JdbcStorage storage =
              JdbcStorage.builder()
                  .dataSource(database.dataSource())
                  .schema(ShopDatabase.PUMP_SCHEMA)
                  .build();
          PostgresTransport transport = PostgresTransport.builder().storage(storage).build();
          PumpMetrics metrics =
              PumpMetrics.builder()
                  .registry(registry)
                  .storage(storage)
                  .samplingInterval(Duration.ofSeconds(1))
                  .build()) {
        placeOrders(storage, transport);
        // a first sample while the orders still wait in the outbox
        metrics.start();
        await().until(() -> names(registry).contains("pump_outbox_pending"));

        Shop shop = new Shop(storage, transport, new Observations(), metrics);
        metrics.monitor(shop.dispatcher());
        shop.start();
        try {
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(() -> assertThat(names(registry)).containsAll(queried));
        } finally {
          shop.close();
        }
      }
    }
  }

  @Test
  void theMetricsOfAnExpressionAreItsNamesLessLabelsAndPromqlWords() {
    assertThat(
            metricNames(
                "sum by (pump_endpoint) (rate(pump_retries_total{pump_endpoint=~\"$endpoint\","
                    + " kind=\"immediate\"}[$__rate_interval])) / on (pump_endpoint)"
                    + " max(pump_endpoint_concurrency) unless pump_queue_depth > 0.5"))
        .containsExactlyInAnyOrder(
            "pump_retries_total", "pump_endpoint_concurrency", "pump_queue_depth");
    // a metric that is not Pump's would go unchecked, so it is refused
    assertThatThrownBy(() -> metricNames("rate(jvm_threads_started_threads_total[5m])"))
        .isInstanceOf(AssertionError.class);
  }

  /** Ten orders, one of them to a city without delivery zone and one sent twice. */
  private static void placeOrders(JdbcStorage storage, PostgresTransport transport) {
    Endpoint web =
        Endpoint.builder()
            .name("web")
            .transport(transport)
            .storage(storage)
            .route(PlaceOrder.class, "orders")
            .build();
    for (int i = 1; i <= 10; i++) {
      String orderId = "order-%04d".formatted(i);
      PlaceOrder order = new PlaceOrder(orderId, "customer", i == 7 ? "Atlantis" : "Bern", 1000L);
      int times = i == 3 ? 2 : 1;
      for (int sent = 0; sent < times; sent++) {
        storage.inTransaction(
            web,
            (handle, sender) -> {
              sender.send(order, SendOptions.builder().messageId(orderId).build());
              return null;
            });
      }
    }
  }

  private static Set<String> names(PrometheusMeterRegistry registry) {
    Set<String> names = new TreeSet<>();
    for (String line : registry.scrape().split("\n")) {
      Matcher name = IDENTIFIER.matcher(line);
      if (!line.startsWith("#") && name.lookingAt()) {
        names.add(name.group());
      }
    }
    return names;
  }

  private static List<String> dashboardExpressions() throws IOException {
    JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
    List<String> expressions = new ArrayList<>();
    for (JsonNode expr : dashboard.findValues("expr")) {
      expressions.add(expr.asString());
    }
    return expressions;
  }

  /** The rules' {@code expr} lines; the file keeps each on one line. */
  private static List<String> alertExpressions() throws IOException {
    List<String> expressions = new ArrayList<>();
    for (String line : Files.readAllLines(ALERTS)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("expr:")) {
        String expression = trimmed.substring("expr:".length()).strip();
        assertThat(expression).as("an expr on one line").isNotEmpty().doesNotStartWith("|");
        assertThat(expression).doesNotStartWith(">");
        expressions.add(expression);
      }
    }
    return expressions;
  }

  /**
   * The metric names of a PromQL expression: what is left once strings, label matchers, ranges and
   * grouping labels are taken out, less PromQL's own words (an unknown word fails the test).
   */
  static Set<String> metricNames(String expression) {
    String bare =
        expression
            .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> metrics = new TreeSet<>();
    Matcher word = IDENTIFIER.matcher(bare);
    while (word.find()) {
      String name = word.group();
      if (name.startsWith("pump_") || name.startsWith("messaging_")) {
        metrics.add(name);
      } else {
        assertThat(PROMQL).as("a word of " + expression).contains(name);
      }
    }
    return metrics;
  }
}
