package dev.pump.opentelemetry;

import dev.pump.core.Headers;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.pipeline.IncomingMessage;
import dev.pump.core.spi.telemetry.ProcessObservation;
import dev.pump.core.spi.telemetry.SendObservation;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.Map;

/** The spans of {@link PumpTracing}: create, send and process. Thread-safe. */
final class MessagingSpans implements PumpTracing {
  /**
   * The {@code traceparent} of the message being processed, while its process span is current: a
   * message created with exactly that value got it copied by Pump, and gets a creation context of
   * its own; any other value was set by the sender, and is kept.
   */
  static final ContextKey<String> INCOMING_TRACEPARENT =
      ContextKey.named("pump-incoming-traceparent");

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  MessagingSpans(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public void created(
      String endpoint, String system, Destination destination, Map<String, String> headers) {
    Context current = Context.current();
    String carried = headers.get(Headers.TRACEPARENT);
    if (carried != null && !carried.equals(current.get(INCOMING_TRACEPARENT))) {
      // the conventions: a creation context the sender chose is neither replaced nor given a span
      return;
    }
    String name = Semconv.destinationName(destination);
    SpanBuilder builder =
        tracer
            .spanBuilder(Semconv.CREATE + " " + name)
            .setParent(current)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(Semconv.ENDPOINT, endpoint);
    Semconv.operation(builder, system, name, Semconv.CREATE, Semconv.CREATE);
    Semconv.topics(builder, destination);
    Semconv.optional(builder, Semconv.MESSAGE_ID, headers.get(Headers.MESSAGE_ID));
    Semconv.optional(builder, Semconv.CONVERSATION_ID, headers.get(Headers.CONVERSATION_ID));
    Span span = builder.startSpan();
    try {
      // without a tracer provider the span is invalid: the copied context then passes through
      if (span.getSpanContext().isValid()) {
        headers.remove(Headers.TRACEPARENT);
        headers.remove(Headers.TRACESTATE);
        propagator.inject(current.with(span), headers, HeaderCarrier.INSTANCE);
      }
    } finally {
      span.end();
    }
  }

  @Override
  public ProcessObservation processing(String endpoint, String system, IncomingMessage message) {
    Map<String, String> headers = message.headers();
    Context ambient = Context.current();
    SpanContext ambientSpan = Span.fromContext(ambient).getSpanContext();
    SpanContext creation = creationContext(headers);
    Context parent =
        creation.isValid() ? propagator.extract(ambient, headers, HeaderCarrier.INSTANCE) : ambient;
    SpanBuilder builder =
        tracer
            .spanBuilder(Semconv.PROCESS + " " + message.queue())
            .setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(Semconv.ENDPOINT, endpoint)
            .setAttribute(Semconv.MESSAGE_ID, message.messageId())
            .setAttribute(Semconv.DELIVERY_COUNT, (long) message.deliveryCount());
    Semconv.operation(builder, system, message.queue(), Semconv.PROCESS, Semconv.PROCESS);
    Semconv.optional(builder, Semconv.CONVERSATION_ID, headers.get(Headers.CONVERSATION_ID));
    if (creation.isValid()) {
      builder.addLink(creation);
      // the conventions: a process span parented by its message keeps the ambient span as a link
      if (ambientSpan.isValid()) {
        builder.addLink(ambientSpan);
      }
    }
    Span span = builder.startSpan();
    Context context = parent.with(span);
    String traceparent = headers.get(Headers.TRACEPARENT);
    if (traceparent != null) {
      context = context.with(INCOMING_TRACEPARENT, traceparent);
    }
    return new ProcessSpan(span, context.makeCurrent());
  }

  @Override
  public SendObservation sending(
      String system, Destination destination, List<OutgoingMessage> batch) {
    String name = Semconv.destinationName(destination);
    String operation = destination instanceof Destination.Topics ? Semconv.PUBLISH : Semconv.SEND;
    Context parent = Context.current();
    SpanBuilder builder =
        tracer
            .spanBuilder(operation + " " + name)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(Semconv.BATCH_COUNT, (long) batch.size());
    Semconv.operation(builder, system, name, Semconv.SEND, operation);
    Semconv.topics(builder, destination);
    boolean linked = false;
    for (OutgoingMessage message : batch) {
      SpanContext creation = creationContext(message.headers());
      if (creation.isValid()) {
        builder.addLink(creation, Attributes.of(Semconv.MESSAGE_ID, message.messageId()));
        linked = true;
      }
    }
    if (batch.size() == 1) {
      OutgoingMessage only = batch.getFirst();
      builder.setAttribute(Semconv.MESSAGE_ID, only.messageId());
      Semconv.optional(
          builder, Semconv.CONVERSATION_ID, only.headers().get(Headers.CONVERSATION_ID));
      if (linked) {
        // one message: its creation context is the parent too, so a chain is one trace
        parent = propagator.extract(parent, only.headers(), HeaderCarrier.INSTANCE);
      }
    }
    Span span = builder.setParent(parent).startSpan();
    return new SendSpan(span, parent.with(span).makeCurrent());
  }

  /** The creation context in a message's headers; invalid when it has none. */
  private SpanContext creationContext(Map<String, String> headers) {
    return Span.fromContext(propagator.extract(Context.root(), headers, HeaderCarrier.INSTANCE))
        .getSpanContext();
  }
}
