package dev.pump.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.Lifecycle;
import dev.pump.core.MessageSender;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pump on a real PostgreSQL (storage, queue transport, dispatcher) under an OpenTelemetry SDK that
 * keeps every finished span in memory. Each test gets its own SDK and stops what it started.
 */
@ExtendWith(PostgresExtension.class)
abstract class TracingTestSupport {
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<Long> BATCH_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("pump.endpoint");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("pump.outcome");
  static final AttributeKey<List<String>> TOPICS =
      AttributeKey.stringArrayKey("pump.destination.topics");
  static final Duration PATIENCE = Duration.ofSeconds(30);

  static JdbcStorage storage;
  static PostgresTransport transport;

  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  final OpenTelemetrySdk openTelemetry =
      OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
  final Tracer application = openTelemetry.getTracer("application");
  private final List<Lifecycle> running = new ArrayList<>();

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    transport = PostgresTransport.builder().storage(storage).build();
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  @AfterEach
  void stopEverything() {
    for (Lifecycle lifecycle : running.reversed()) {
      lifecycle.close();
    }
    tracerProvider.close();
  }

  /** An endpoint on the PostgreSQL queue transport and storage. */
  static EndpointBuilder endpoint(String name) {
    return Endpoint.builder().name(name).transport(transport).storage(storage);
  }

  /** A dispatcher relaying the storage's outbox onto the PostgreSQL queues. */
  static OutboxDispatcher.Builder dispatcher() {
    return OutboxDispatcher.builder().storage(storage).transport(transport);
  }

  /** Starts {@code lifecycle}, to be stopped after the test. */
  <T extends Lifecycle> T start(T lifecycle) {
    running.add(lifecycle);
    lifecycle.start();
    return lifecycle;
  }

  /** Sends in one transactional session of {@code sender}. */
  static void inSession(Endpoint sender, Consumer<MessageSender> work) {
    storage.inTransaction(
        sender,
        (handle, messages) -> {
          work.accept(messages);
          return null;
        });
  }

  /** Runs {@code work} in the application's span {@code request}, current meanwhile. */
  void inRequest(Runnable work) {
    Span request = application.spanBuilder("request").startSpan();
    Scope scope = request.makeCurrent();
    try {
      work.run();
    } finally {
      scope.close();
      request.end();
    }
  }

  /** The one finished span named {@code name}, once it has finished. */
  SpanData awaitSpan(String name) {
    await().atMost(PATIENCE).until(() -> !spans(name).isEmpty());
    List<SpanData> spans = spans(name);
    assertThat(spans).as("spans named " + name).hasSize(1);
    return spans.getFirst();
  }

  /** A span context's trace and span ids: a link's copy of it was read from headers (remote). */
  static String ids(SpanContext context) {
    return context.getTraceId() + "/" + context.getSpanId();
  }

  /** The ids of what each of {@code span}'s links points to. */
  static List<String> linked(SpanData span) {
    return span.getLinks().stream().map(l -> ids(l.getSpanContext())).toList();
  }

  /** The W3C {@code traceparent} header of {@code span}'s context. */
  static String traceparent(SpanData span) {
    SpanContext context = span.getSpanContext();
    return "00-"
        + context.getTraceId()
        + "-"
        + context.getSpanId()
        + "-"
        + context.getTraceFlags().asHex();
  }

  /** The finished spans named {@code name}. */
  List<SpanData> spans(String name) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }
}
