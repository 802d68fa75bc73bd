package dev.pump.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.SendOptions;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Endpoints on the PostgreSQL queue transport handle messages, and a Prometheus scrape shows what
 * happened under OpenTelemetry's messaging names and Pump's own, with tags that never hold a
 * message id.
 */
@ExtendWith(PostgresExtension.class)
class PumpMetricsTest {
  static final Recoverability ONE_RETRY_THEN_ERROR_QUEUE =
      Recoverability.builder()
          .immediateRetries(1)
          .delayedRetries(0)
          .errorQueue("failing_errors")
          .build();

  static JdbcStorage storage;
  PostgresTransport transport;
  PrometheusMeterRegistry registry;
  Endpoint sender;
  final List<AutoCloseable> running = new ArrayList<>();

  record Greet(String name) {}

  record Greeted(String name) {}

  record Fail(String why) {}

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
  }

  @BeforeEach
  void clean() {
    storage
        .jdbi()
        .useHandle(h -> h.execute("TRUNCATE pump.outbox, pump.inbox, pump.queue_message"));
    transport = PostgresTransport.builder().storage(storage).build();
    running.add(transport);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    sender =
        Endpoint.builder()
            .name("sender")
            .transport(transport)
            .storage(storage)
            .route(Greet.class, "greeter")
            .route(Fail.class, "failing")
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : running.reversed()) {
      closeable.close();
    }
  }

  @Test
  void processingReceivesAndSendsAreMeasuredUnderTheirConventionalNamesAndTags() {
    PumpMetrics metrics = metrics();
    start(
        endpoint("greeter", metrics)
            .handler(Greet.class, (greet, context) -> context.publish(new Greeted(greet.name()))));
    start(
        endpoint("failing", metrics)
            .recoverability(ONE_RETRY_THEN_ERROR_QUEUE)
            .handler(
                Fail.class,
                (fail, context) -> {
                  throw new IllegalStateException(fail.why());
                }));
    OutboxDispatcher dispatcher = dispatcher(metrics);
    metrics.monitor(dispatcher);
    dispatcher.start();

    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      ids.add(send(new Greet("guest " + i), "greet-" + i));
    }
    ids.add(send(new Fail("always"), "fail-1"));

    Map<String, String> greeter = Map.of("pump_endpoint", "greeter", "pump_outcome", "handled");
    Map<String, String> failing = Map.of("pump_endpoint", "failing", "pump_outcome", "error_queue");
    await()
        .untilAsserted(() -> {
          Scrape scrape = Scrape.of(registry);
          assertThat(scrape.sum("messaging_process_duration_seconds_count", greeter)).isEqualTo(5);
          assertThat(scrape.sum("messaging_process_duration_seconds_count", failing)).isEqualTo(1);
          assertThat(scrape.sum("messaging_client_sent_messages_total", publishes())).isEqualTo(5);
        });
    metrics.sampleNow();
    Scrape scrape = Scrape.of(registry);

    assertThat(
            scrape.value(
                "messaging_process_duration_seconds_count",
                Map.of(
                    "messaging_system", "pump_postgresql",
                    "messaging_destination_name", "greeter",
                    "messaging_operation_name", "process",
                    "pump_endpoint", "greeter",
                    "pump_outcome", "handled",
                    "error_type", "none")))
        .isEqualTo(5);
    assertThat(
            scrape.value(
                "messaging_process_duration_seconds_count",
                Map.of(
                    "pump_outcome",
                    "error_queue",
                    "error_type",
                    "java.lang.IllegalStateException")))
        .isEqualTo(1);
    assertThat(scrape.series("messaging_process_duration_seconds_bucket", greeter)).isNotEmpty();
    assertThat(
            scrape.value(
                "pump_retries_total", Map.of("pump_endpoint", "failing", "kind", "immediate")))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            scrape.value(
                "pump_retries_total", Map.of("pump_endpoint", "failing", "kind", "delayed")))
        .isZero();

    assertThat(
            scrape.sum(
                "messaging_client_consumed_messages_total",
                Map.of(
                    "messaging_destination_name",
                    "greeter",
                    "messaging_operation_name",
                    "receive")))
        .isEqualTo(5);
    assertThat(
            scrape.sum(
                "messaging_client_sent_messages_total",
                Map.of(
                    "messaging_destination_name", "greeter", "messaging_operation_name", "send")))
        .isEqualTo(5);
    assertThat(
            scrape.sum(
                "messaging_client_operation_duration_seconds_count",
                Map.of("messaging_operation_name", "receive")))
        .isPositive();
    assertThat(
            scrape.sum(
                "messaging_client_operation_duration_seconds_count",
                Map.of("messaging_operation_name", "send", "error_type", "none")))
        .isPositive();

    Map<String, String> sends = Map.of("operation", "send", "messaging_system", "pump_postgresql");
    double sendOperations = scrape.value("pump_transport_operation_messages_count", sends);
    assertThat(scrape.value("pump_transport_operation_messages_sum", sends))
        .isGreaterThanOrEqualTo(6);
    assertThat(scrape.value("pump_transport_operations_saved_total", sends))
        .isEqualTo(scrape.value("pump_transport_operation_messages_sum", sends) - sendOperations);

    assertThat(scrape.value("pump_error_queue_messages", Map.of("queue", "failing_errors")))
        .isEqualTo(1);
    assertThat(scrape.value("pump_queue_depth", Map.of("queue", "failing_errors"))).isEqualTo(1);
    assertThat(scrape.value("pump_endpoint_concurrency", Map.of("pump_endpoint", "greeter")))
        .isEqualTo(2);
    assertThat(scrape.value("pump_endpoint_healthy", Map.of("pump_endpoint", "greeter")))
        .isEqualTo(1);
    assertThat(scrape.value("pump_endpoint_in_flight", Map.of("pump_endpoint", "greeter")))
        .isZero();
    assertThat(
            scrape.value(
                "pump_endpoint_breaker_open",
                Map.of("pump_endpoint", "greeter", "breaker", "receive")))
        .isZero();
    assertThat(scrape.value("pump_dispatcher_breaker_open", Map.of("destination", "greeter")))
        .isZero();
    assertThat(scrape.value("pump_metrics_samples_total", Map.of("result", "ok"))).isEqualTo(1);

    assertThat(scrape.labelValues()).doesNotContainAnyElementsOf(ids);
  }

  @Test
  void theOutboxIsSampledPerDestinationAndADrainedDestinationReadsZero() {
    PumpMetrics metrics = metrics();
    for (int i = 1; i <= 3; i++) {
      send("parcels", new Greet("parcel " + i), "parcel-" + i);
    }

    metrics.sampleNow();
    Map<String, String> parcels = Map.of("destination", "parcels");
    assertThat(Scrape.of(registry).value("pump_outbox_pending", parcels)).isEqualTo(3);
    assertThat(Scrape.of(registry).value("pump_outbox_parked", parcels)).isZero();
    await()
        .untilAsserted(() -> {
          metrics.sampleNow();
          assertThat(Scrape.of(registry).value("pump_outbox_oldest_age_seconds", parcels))
              .isPositive();
        });

    dispatcher(metrics).start();
    await()
        .untilAsserted(() -> {
          metrics.sampleNow();
          Scrape scrape = Scrape.of(registry);
          assertThat(scrape.value("pump_outbox_pending", parcels)).isZero();
          assertThat(scrape.value("pump_outbox_oldest_age_seconds", parcels)).isZero();
          assertThat(scrape.value("pump_queue_depth", Map.of("queue", "parcels"))).isEqualTo(3);
          assertThat(scrape.value("pump_queue_visible", Map.of("queue", "parcels"))).isEqualTo(3);
        });
  }

  @Test
  void aMessageSentTwiceIsCountedAsADuplicateTheInboxSkipped() {
    PumpMetrics metrics = metrics();
    long before = storage.operations().duplicatesSkipped();
    start(endpoint("greeter", metrics).handler(Greet.class, (greet, context) -> {}));
    dispatcher(metrics).start();

    send(new Greet("twice"), "greet-twice");
    send(new Greet("twice"), "greet-twice");

    await()
        .untilAsserted(() ->
            assertThat(Scrape.of(registry).value("pump_inbox_duplicates_skipped_total", Map.of()))
                .isEqualTo(before + 1));
  }

  @Test
  void withoutPumpMetricsOnAnEndpointNothingIsRegistered() {
    SimpleMeterRegistry global = new SimpleMeterRegistry();
    Metrics.addRegistry(global);
    try {
      PumpMetrics.builder().registry(registry).build(); // built, but given to nothing
      start(
          Endpoint.builder()
              .name("greeter")
              .transport(transport)
              .storage(storage)
              .receiveWait(Duration.ofMillis(100))
              .handler(Greet.class, (greet, context) -> {}));
      OutboxDispatcher dispatcher =
          OutboxDispatcher.builder().storage(storage).transport(transport).build();
      running.add(dispatcher);
      dispatcher.start();

      send(new Greet("unobserved"), "greet-unobserved");
      await()
          .until(() ->
              storage.operations().statistics().queues().isEmpty()
                  && storage.operations().statistics().outbox().isEmpty());

      assertThat(registry.getMeters()).isEmpty();
      assertThat(global.getMeters()).isEmpty();
    } finally {
      Metrics.removeRegistry(global);
    }
  }

  private PumpMetrics metrics() {
    PumpMetrics metrics = PumpMetrics.builder().registry(registry).storage(storage).build();
    running.add(metrics);
    return metrics;
  }

  private EndpointBuilder endpoint(String name, PumpMetrics metrics) {
    return Endpoint.builder()
        .name(name)
        .transport(transport)
        .storage(storage)
        .concurrency(2)
        .receiveWait(Duration.ofMillis(100))
        .telemetry(metrics);
  }

  private void start(EndpointBuilder builder) {
    Endpoint endpoint = builder.build();
    running.add(() -> endpoint.stop(Duration.ofSeconds(5)));
    endpoint.start();
  }

  private OutboxDispatcher dispatcher(PumpMetrics metrics) {
    OutboxDispatcher dispatcher =
        OutboxDispatcher.builder().storage(storage).transport(transport).telemetry(metrics).build();
    running.add(dispatcher);
    return dispatcher;
  }

  private static Map<String, String> publishes() {
    return Map.of("messaging_operation_name", "publish");
  }

  /** Sends through the transactional session, as an application does; returns the id. */
  private String send(Object message, String messageId) {
    storage.inTransaction(
        sender,
        (handle, messages) -> {
          messages.send(message, SendOptions.builder().messageId(messageId).build());
          return null;
        });
    return messageId;
  }

  private void send(String destination, Object message, String messageId) {
    storage.inTransaction(
        sender,
        (handle, messages) -> {
          messages.send(destination, message, SendOptions.builder().messageId(messageId).build());
          return null;
        });
  }
}
