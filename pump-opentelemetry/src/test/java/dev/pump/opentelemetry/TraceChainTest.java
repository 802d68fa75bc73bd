package dev.pump.opentelemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;

import dev.pump.core.Endpoint;
import dev.pump.core.MessageName;
import dev.pump.core.SendOptions;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * One request's messages through outbox, dispatcher, PostgreSQL queues and two handlers: the spans
 * of every hop are one trace, each a child of what caused it.
 */
class TraceChainTest extends TracingTestSupport {
  record PlaceOrder(String orderId) {}

  interface OrderEvent {}

  @MessageName("order-placed")
  record OrderPlaced(String orderId) implements OrderEvent {}

  @Test
  void aRequestItsMessagesAndTheirHandlersAreOneTrace() {
    PumpTracing tracing = PumpTracing.create(openTelemetry);
    List<Map<String, String>> billed = new CopyOnWriteArrayList<>();
    Endpoint web = endpoint("web").telemetry(tracing).build();
    start(
        endpoint("orders")
            .telemetry(tracing)
            .handler(
                PlaceOrder.class,
                (command, context) -> context.publish(new OrderPlaced(command.orderId())))
            .build());
    start(
        endpoint("billing")
            .telemetry(tracing)
            .handler(
                OrderPlaced.class, (event, context) -> billed.add(Map.copyOf(context.headers())))
            .build());
    start(dispatcher().telemetry(tracing).build());

    inRequest(() -> {
      inSession(
          web,
          sender ->
              sender.send(
                  "orders",
                  new PlaceOrder("o-1"),
                  SendOptions.builder().messageId("order-1").build()));
    });

    SpanData processBilling = awaitSpan("process billing");
    SpanData requestSpan = awaitSpan("request");
    SpanData createOrder = awaitSpan("create orders");
    SpanData sendOrder = awaitSpan("send orders");
    SpanData processOrder = awaitSpan("process orders");
    SpanData createEvent = awaitSpan("create order-placed");
    SpanData publishEvent = awaitSpan("publish order-placed");
    assertThat(List.of(createOrder, sendOrder, processOrder, createEvent, publishEvent))
        .extracting(SpanData::getTraceId)
        .containsOnly(requestSpan.getTraceId());
    assertThat(processBilling.getTraceId()).isEqualTo(requestSpan.getTraceId());

    // the session's send: a create span under the request, its context stored with the outbox row
    assertThat(createOrder)
        .hasParent(requestSpan)
        .hasKind(SpanKind.PRODUCER)
        .hasAttribute(SYSTEM, "pump_postgresql")
        .hasAttribute(DESTINATION, "orders")
        .hasAttribute(OPERATION_TYPE, "create")
        .hasAttribute(OPERATION_NAME, "create")
        .hasAttribute(MESSAGE_ID, "order-1")
        .hasAttribute(ENDPOINT, "web");
    assertThat(storedTraceparent("order-1")).isEqualTo(traceparent(createOrder));

    // the dispatcher's batch of one: a child of the message's creation context, and linked to it
    assertThat(sendOrder)
        .hasParent(createOrder)
        .hasKind(SpanKind.CLIENT)
        .hasAttribute(SYSTEM, "pump_postgresql")
        .hasAttribute(DESTINATION, "orders")
        .hasAttribute(OPERATION_TYPE, "send")
        .hasAttribute(OPERATION_NAME, "send")
        .hasAttribute(BATCH_COUNT, 1L)
        .hasAttribute(MESSAGE_ID, "order-1");
    assertThat(linked(sendOrder)).containsExactly(ids(createOrder.getSpanContext()));
    assertThat(sendOrder.getLinks().getFirst().getAttributes())
        .isEqualTo(Attributes.of(MESSAGE_ID, "order-1"));

    // the handler's span continues the trace from the creation context
    assertThat(processOrder)
        .hasParent(createOrder)
        .hasKind(SpanKind.CONSUMER)
        .hasAttribute(SYSTEM, "pump_postgresql")
        .hasAttribute(DESTINATION, "orders")
        .hasAttribute(OPERATION_TYPE, "process")
        .hasAttribute(OPERATION_NAME, "process")
        .hasAttribute(MESSAGE_ID, "order-1")
        .hasAttribute(ENDPOINT, "orders")
        .hasAttribute(OUTCOME, "handled")
        .hasStatus(StatusData.unset());
    assertThat(linked(processOrder)).containsExactly(ids(createOrder.getSpanContext()));

    // what the handler published is created under its process span, and named by its topic
    assertThat(createEvent)
        .hasParent(processOrder)
        .hasKind(SpanKind.PRODUCER)
        .hasAttribute(DESTINATION, "order-placed")
        .hasAttribute(OPERATION_TYPE, "create")
        .hasAttribute(ENDPOINT, "orders");
    assertThat(createEvent.getAttributes().get(TOPICS)).hasSize(2).startsWith("order-placed");
    assertThat(publishEvent)
        .hasParent(createEvent)
        .hasKind(SpanKind.CLIENT)
        .hasAttribute(DESTINATION, "order-placed")
        .hasAttribute(OPERATION_TYPE, "send")
        .hasAttribute(OPERATION_NAME, "publish")
        .hasAttribute(BATCH_COUNT, 1L);
    assertThat(processBilling)
        .hasParent(createEvent)
        .hasKind(SpanKind.CONSUMER)
        .hasAttribute(DESTINATION, "billing")
        .hasAttribute(ENDPOINT, "billing")
        .hasAttribute(OUTCOME, "handled");

    // the header Pump copied from the incoming message was replaced by the new creation context
    assertThat(billed)
        .singleElement()
        .satisfies(
            headers -> assertThat(headers).containsEntry("traceparent", traceparent(createEvent)));
  }

  @Test
  void aCreationContextTheSenderSetIsKeptAndGetsNoCreateSpan() {
    PumpTracing tracing = PumpTracing.create(openTelemetry);
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String spanId = "b7ad6b7169203331";
    String own = "00-" + traceId + "-" + spanId + "-01";
    List<Map<String, String>> audited = new CopyOnWriteArrayList<>();
    Endpoint web = endpoint("web").telemetry(tracing).build();
    start(
        endpoint("audit")
            .telemetry(tracing)
            .handler(
                PlaceOrder.class, (command, context) -> audited.add(Map.copyOf(context.headers())))
            .build());
    start(dispatcher().telemetry(tracing).build());

    inSession(
        web,
        sender ->
            sender.send(
                "audit",
                new PlaceOrder("o-2"),
                SendOptions.builder().messageId("order-2").header("traceparent", own).build()));

    SpanData process = awaitSpan("process audit");
    assertThat(process).hasTraceId(traceId).hasParentSpanId(spanId);
    assertThat(awaitSpan("send audit")).hasTraceId(traceId).hasParentSpanId(spanId);
    assertThat(spans("create audit")).isEmpty();
    assertThat(audited)
        .singleElement()
        .satisfies(headers -> assertThat(headers).containsEntry("traceparent", own));
  }

  private static String storedTraceparent(String messageId) {
    return storage
        .jdbi()
        .withHandle(h ->
            h.createQuery("SELECT headers->>'traceparent' FROM pump.outbox WHERE message_id = :id")
                .bind("id", messageId)
                .mapTo(String.class)
                .one());
  }
}
