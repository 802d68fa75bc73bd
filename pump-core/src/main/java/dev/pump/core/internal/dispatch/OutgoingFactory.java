package dev.pump.core.internal.dispatch;

import dev.pump.core.Headers;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.SendOptions;
import dev.pump.core.internal.routing.MessageNames;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.MessageSerializationException;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Serializer;
import dev.pump.core.spi.pipeline.IncomingMessage;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.core.spi.telemetry.Telemetry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a message object into an outgoing message: serializes it and writes the standard headers,
 * carrying correlation, conversation and trace context over from the message being handled.
 * Thread-safe.
 */
public final class OutgoingFactory {
  private final String endpointName;
  private final String replyTo;
  private final Serializer serializer;
  private final Clock clock;
  private final boolean delayedDelivery;
  private final MessageNames names;
  private final Telemetry telemetry;
  private final String system;

  /**
   * Creates a factory for messages sent by {@code endpointName}, typed by {@code names}, telling
   * {@code telemetry} of each with the endpoint's transport's messaging {@code system}.
   */
  public OutgoingFactory(
      String endpointName,
      String replyTo,
      Serializer serializer,
      Clock clock,
      boolean delayedDelivery,
      MessageNames names,
      Telemetry telemetry,
      String system) {
    this.endpointName = endpointName;
    this.replyTo = replyTo;
    this.serializer = serializer;
    this.clock = clock;
    this.delayedDelivery = delayedDelivery;
    this.names = names;
    this.telemetry = telemetry;
    this.system = system;
  }

  /**
   * Creates the pending message.
   *
   * @param cause the message being handled, or {@code null} for a send from outside a handler
   * @param ordinal which send of the attempt this is, from 0; with a cause and no explicit id, it
   *     makes the id {@linkplain MessageIds#derived deterministic}, so a retry re-sends with the
   *     same ids
   * @throws MessageSerializationException if the serializer fails, naming the message id
   */
  public PendingMessage create(
      Destination destination,
      Object message,
      SendOptions options,
      IncomingMessage cause,
      int ordinal) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(options, "options");
    if (!options.delay().isZero() && !delayedDelivery) {
      throw new PumpConfigurationException(
          "cannot send "
              + message.getClass().getName()
              + " with a delay of "
              + options.delay()
              + ": the transport has no delayed delivery");
    }
    String id =
        options
            .messageId()
            .orElseGet(() ->
                cause == null
                    ? MessageIds.next(clock)
                    : MessageIds.derived(endpointName, cause.messageId(), ordinal));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Headers.MESSAGE_ID, id);
    if (cause == null) {
      headers.put(Headers.CORRELATION_ID, id);
      headers.put(Headers.CONVERSATION_ID, id);
    } else {
      Map<String, String> incoming = cause.headers();
      headers.put(
          Headers.CORRELATION_ID, incoming.getOrDefault(Headers.CORRELATION_ID, cause.messageId()));
      headers.put(
          Headers.CONVERSATION_ID,
          incoming.getOrDefault(Headers.CONVERSATION_ID, cause.messageId()));
      headers.put(Headers.CAUSATION_ID, cause.messageId());
      copy(incoming, headers, Headers.TRACEPARENT);
      copy(incoming, headers, Headers.TRACESTATE);
    }
    headers.put(Headers.REPLY_TO, replyTo);
    headers.put(Headers.ORIGINATING_ENDPOINT, endpointName);
    headers.put(Headers.TIME_SENT, clock.instant().toString());
    headers.put(Headers.CONTENT_TYPE, serializer.contentType());
    headers.put(Headers.ENCLOSED_TYPES, names.enclosedTypes(message.getClass()));
    headers.putAll(options.headers());
    options.correlationId().ifPresent(c -> headers.put(Headers.CORRELATION_ID, c));
    options.orderingKey().ifPresent(k -> headers.put(Headers.ORDERING_KEY, k));
    byte[] body = serialize(message, id, destination);
    telemetry.created(endpointName, system, destination, headers);
    return new PendingMessage(destination, new OutgoingMessage(id, headers, body, options.delay()));
  }

  private byte[] serialize(Object message, String id, Destination destination) {
    try {
      return serializer.serialize(message);
    } catch (MessageSerializationException e) {
      throw new MessageSerializationException(
          "message " + id + " to " + destination + ": " + e.getMessage(), e.getCause());
    } catch (RuntimeException e) {
      throw new MessageSerializationException(
          "cannot serialize message "
              + id
              + " of type "
              + message.getClass().getName()
              + " to "
              + destination
              + " with "
              + serializer.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void copy(Map<String, String> from, Map<String, String> to, String header) {
    String value = from.get(header);
    if (value != null) {
      to.put(header, value);
    }
  }
}
