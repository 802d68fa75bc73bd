package dev.pump.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing is opt-in: an installed SDK alone makes Pump emit nothing, and the trace context the
 * application put on a message travels unchanged through every hop.
 */
class WithoutTracingTest extends TracingTestSupport {
  record Original(String id) {}

  record Forwarded(String id) {}

  @AfterEach
  void uninstall() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void endpointsAndDispatcherWithoutTracingEmitNothingAndPassTraceparentThrough() {
    GlobalOpenTelemetry.set(openTelemetry);
    String own = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    List<Map<String, String>> arrived = new CopyOnWriteArrayList<>();
    Endpoint web = endpoint("web").build();
    start(
        endpoint("relay")
            .route(Forwarded.class, "sink")
            .handler(
                Original.class, (message, context) -> context.send(new Forwarded(message.id())))
            .build());
    start(
        endpoint("sink")
            .handler(
                Forwarded.class, (message, context) -> arrived.add(Map.copyOf(context.headers())))
            .build());
    start(dispatcher().build());

    inRequest(() -> {
      inSession(
          web,
          sender ->
              sender.send(
                  "relay",
                  new Original("x"),
                  SendOptions.builder().header("traceparent", own).build()));
    });

    await().atMost(PATIENCE).until(() -> arrived.size() == 1 && queuedMessages() == 0);
    assertThat(arrived.getFirst()).containsEntry("traceparent", own);
    assertThat(exporter.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("request");
  }

  private static long queuedMessages() {
    return storage
        .jdbi()
        .withHandle(
            h -> h.createQuery("SELECT count(*) FROM pump.queue_message").mapTo(Long.class).one());
  }
}
