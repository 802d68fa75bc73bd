package dev.pump.opentelemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import dev.pump.core.recoverability.Recoverability;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a failing handler's span shows, and one send span for a batch of messages. */
class FailuresAndBatchesTest extends TracingTestSupport {
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("pump.attempt");
  static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");

  record Charge(String orderId) {}

  record Entry(int number) {}

  @Test
  void aFailingHandlersSpanHasErrorStatusTheExceptionAndAnEventPerImmediateRetry() {
    PumpTracing tracing = PumpTracing.create(openTelemetry);
    Endpoint web = endpoint("web").telemetry(tracing).build();
    start(
        endpoint("payments")
            .telemetry(tracing)
            .recoverability(Recoverability.builder().immediateRetries(2).delayedRetries(0).build())
            .handler(
                Charge.class,
                (charge, context) -> {
                  throw new IllegalStateException("card declined for " + charge.orderId());
                })
            .build());
    start(dispatcher().telemetry(tracing).build());

    inSession(web, sender -> sender.send("payments", new Charge("o-3")));

    SpanData process = awaitSpan("process payments");
    String message = "card declined for o-3";
    assertThat(process)
        .hasKind(SpanKind.CONSUMER)
        .hasParent(awaitSpan("create payments"))
        .hasStatus(StatusData.create(StatusCode.ERROR, message))
        .hasAttribute(OUTCOME, "error_queue")
        .hasAttribute(ERROR_TYPE, IllegalStateException.class.getName())
        .hasEventsSatisfyingExactly(
            retry ->
                retry
                    .hasName("pump.immediate_retry")
                    .hasAttributesSatisfyingExactly(
                        equalTo(ATTEMPT, 1L),
                        equalTo(EXCEPTION_TYPE, IllegalStateException.class.getName()),
                        equalTo(EXCEPTION_MESSAGE, message)),
            retry ->
                retry.hasName("pump.immediate_retry").hasAttributesSatisfying(equalTo(ATTEMPT, 2L)),
            exception ->
                exception
                    .hasName("exception")
                    .hasAttributesSatisfying(
                        equalTo(EXCEPTION_TYPE, IllegalStateException.class.getName()),
                        equalTo(EXCEPTION_MESSAGE, message)));
  }

  @Test
  void aBatchOfSeveralMessagesIsOneSendSpanLinkedToEachOfThem() {
    PumpTracing tracing = PumpTracing.create(openTelemetry);
    Endpoint web = endpoint("web").telemetry(tracing).build();
    int messages = 5;
    inRequest(() -> {
      inSession(
          web,
          sender -> {
            for (int i = 0; i < messages; i++) {
              sender.send(
                  "ledger", new Entry(i), SendOptions.builder().messageId("entry-" + i).build());
            }
          });
    });
    // started after the commit, so that its first claim holds all five rows
    start(dispatcher().telemetry(tracing).build());

    SpanData send = awaitSpan("send ledger");
    List<SpanData> created = spans("create ledger");
    assertThat(created).hasSize(messages);
    assertThat(send)
        .hasKind(SpanKind.CLIENT)
        .hasNoParent()
        .hasAttribute(BATCH_COUNT, (long) messages)
        .hasAttribute(DESTINATION, "ledger")
        .hasAttribute(OPERATION_NAME, "send")
        .hasAttribute(OPERATION_TYPE, "send");
    assertThat(send.getAttributes().get(MESSAGE_ID)).isNull();
    assertThat(linked(send))
        .containsExactlyInAnyOrderElementsOf(
            created.stream().map(c -> ids(c.getSpanContext())).toList());
    assertThat(send.getTraceId()).isNotEqualTo(awaitSpan("request").getTraceId());
    // each link names its message, as the create span it points to does
    for (LinkData link : send.getLinks()) {
      String target = ids(link.getSpanContext());
      SpanData create =
          created.stream()
              .filter(c -> ids(c.getSpanContext()).equals(target))
              .findFirst()
              .orElseThrow();
      assertThat(link.getAttributes().get(MESSAGE_ID))
          .isEqualTo(create.getAttributes().get(MESSAGE_ID));
    }
  }
}
