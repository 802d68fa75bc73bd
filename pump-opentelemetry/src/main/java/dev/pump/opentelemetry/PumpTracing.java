package dev.pump.opentelemetry;

import dev.pump.core.spi.telemetry.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;

/**
 * Traces of Pump's messages for OpenTelemetry, after the messaging semantic conventions v1.44.0
 * (status Development; schema {@code https://opentelemetry.io/schemas/1.44.0}). Give the same
 * instance to every endpoint and to the outbox dispatcher:
 *
 * <pre>{@code
 * PumpTracing tracing = PumpTracing.create(openTelemetry);
 * Endpoint billing = Endpoint.builder().name("billing").telemetry(tracing) ... .build();
 * OutboxDispatcher dispatcher = OutboxDispatcher.builder().telemetry(tracing) ... .build();
 * }</pre>
 *
 * <p>Its spans, from the instrumentation scope {@code dev.pump.opentelemetry}:
 *
 * <ul>
 *   <li><b>{@code create {destination}}</b>, kind {@code PRODUCER}: a message sent in a handler or
 *       a transactional session, a child of the current span (the handler's process span, or the
 *       application's own span around the session). Its context is written into the message's
 *       headers ({@code traceparent}, {@code tracestate}), so it is stored with the outbox row and
 *       travels with the message: it is the message's creation context. It ends at once, since Pump
 *       only buffers the message. A message whose sender set a {@code traceparent} of its own keeps
 *       it and gets no create span.
 *   <li><b>{@code send {queue}}</b> or <b>{@code publish {topic}}</b>, kind {@code CLIENT}: one
 *       batch handed to a transport, by the dispatcher or by an immediate send, with {@code
 *       messaging.batch.message_count} (Pump's transports take batches, so even a batch of one) and
 *       a link to each message's creation context, naming the message. A batch of one message is
 *       that message's child, so a chain of single messages is one trace; a larger batch is a child
 *       of the current span, which on the dispatcher's threads means a trace of its own.
 *   <li><b>{@code process {queue}}</b>, kind {@code CONSUMER}: one received message, from its first
 *       attempt until its fate is known, a child of (and linked to) its creation context, and
 *       current meanwhile, so handler code and the create spans of what it sends nest under it.
 *       Each immediate retry is an event {@code pump.immediate_retry} ({@code pump.attempt}, {@code
 *       exception.type}, {@code exception.message}); what became of the message is the attribute
 *       {@code pump.outcome} ({@code handled}, {@code delayed_retry}, {@code error_queue}, {@code
 *       given_back}); {@code pump.delivery_count} says how often the transport delivered it.
 * </ul>
 *
 * <p>No span is made for receiving: Pump receives on its own, so the process span is where a
 * message meets the application. Every span has {@code messaging.system} (the transport's: {@code
 * rabbitmq}, or Pump's own {@code pump_postgresql} and {@code pump_memory}), {@code
 * messaging.destination.name} (a queue, or a published type's own topic; all its topics in {@code
 * pump.destination.topics}), {@code messaging.operation.type} and {@code messaging.operation.name};
 * spans of one message have {@code messaging.message.id} and {@code
 * messaging.message.conversation_id}; create and process spans have {@code pump.endpoint}. A
 * failure sets the status to error, {@code error.type} to the exception's class name, and records
 * the exception; a message moved to the error queue without one (delivered too often, or not
 * storable) has {@code error.type} {@code _OTHER}.
 *
 * <p>Thread-safe: one instance serves any number of endpoints and dispatchers.
 */
public interface PumpTracing extends Telemetry {
  /** Traces with the tracer provider of {@code openTelemetry} and W3C Trace Context headers. */
  static PumpTracing create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /** Returns a builder tracing with the tracer provider of {@code openTelemetry}. */
  static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(openTelemetry);
  }

  /** Settings of a {@link PumpTracing}. Not thread-safe; the tracing it builds is. */
  final class Builder {
    private final OpenTelemetry openTelemetry;
    private TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();

    Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    }

    /**
     * How a message's creation context is written into its headers and read back. Default W3C Trace
     * Context ({@code traceparent} and {@code tracestate}), the headers Pump's wire format names,
     * whatever propagators {@code openTelemetry} has. Pass {@code
     * openTelemetry.getPropagators().getTextMapPropagator()} to carry baggage as well.
     */
    public Builder propagator(TextMapPropagator propagator) {
      this.propagator = Objects.requireNonNull(propagator, "propagator");
      return this;
    }

    /** The tracing, ready to be given to endpoints and dispatchers. */
    public PumpTracing build() {
      return new MessagingSpans(
          openTelemetry
              .tracerBuilder(Semconv.INSTRUMENTATION_SCOPE)
              .setSchemaUrl(Semconv.SCHEMA_URL)
              .build(),
          propagator);
    }
  }
}
