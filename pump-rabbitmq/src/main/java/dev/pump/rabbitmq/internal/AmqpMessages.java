package dev.pump.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.LongString;
import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Maps Pump's string headers to AMQP properties and headers and back, without loss.
 *
 * <p>Out: the message id, correlation id and content type travel in their AMQP properties (where
 * other AMQP tools look for them) instead of the headers table; every other header is an AMQP
 * header with a string value; the {@code type} property names the message's class (the first of
 * {@link Headers#ENCLOSED_TYPES}, which itself stays a header: it lists the supertypes too).
 * Properties are short strings of at most 255 bytes, so a longer value stays a header. The message
 * is persistent.
 *
 * <p>In: the reverse, so a received message carries the same headers it was sent with; the client
 * returns header strings as {@link LongString}, converted here. Messages from other producers get
 * their other header values as text, and their {@code type} as the enclosed type when they have
 * none. The broker's {@code x-delivery-count} is read as the delivery count and left out of the
 * headers, so a copy sent on (retry, error queue) does not carry a stale count to its next queue.
 *
 * <p>A message with no message id (neither the property nor the header, or a blank one) cannot be
 * recognised by the inbox when it comes again, so it is refused: it gets an id derived from its
 * content, the same on every delivery, for the logs and its error-queue copy, and a refusal that
 * sends it to the error queue before the inbox sees it. Stateless.
 */
final class AmqpMessages {
  /** Quorum queues count earlier deliveries of a message in this header; absent on the first. */
  static final String DELIVERY_COUNT = "x-delivery-count";

  // headers the broker adds on the way (dead-lettering), which a message's identity leaves out
  private static final Pattern BROKER_HEADERS =
      Pattern.compile("x-death|x-(first|last)-death-.*|" + DELIVERY_COUNT);

  private static final int PERSISTENT = 2;
  private static final int MAX_SHORT_STRING_BYTES = 255;

  private AmqpMessages() {}

  /** The AMQP properties (and headers) of an outgoing message. */
  static AMQP.BasicProperties properties(OutgoingMessage message) {
    Map<String, Object> headers = new HashMap<>(message.headers());
    AMQP.BasicProperties.Builder properties = new AMQP.BasicProperties.Builder();
    properties.deliveryMode(PERSISTENT);
    String id = message.messageId();
    if (fitsShortString(id)) {
      properties.messageId(id);
      // the header is only left out when the property gives it back exactly
      headers.remove(Headers.MESSAGE_ID, id);
    } else {
      headers.put(Headers.MESSAGE_ID, headers.getOrDefault(Headers.MESSAGE_ID, id));
    }
    String correlationId = message.headers().get(Headers.CORRELATION_ID);
    if (fitsShortString(correlationId)) {
      properties.correlationId(correlationId);
      headers.remove(Headers.CORRELATION_ID);
    }
    String contentType = message.headers().get(Headers.CONTENT_TYPE);
    if (fitsShortString(contentType)) {
      properties.contentType(contentType);
      headers.remove(Headers.CONTENT_TYPE);
    }
    String type = messageType(message.headers().get(Headers.ENCLOSED_TYPES));
    if (fitsShortString(type)) {
      properties.type(type);
    }
    return properties.headers(headers).build();
  }

  /** What Pump needs of a delivery: id, headers, delivery count, and why it is refused if it is. */
  static Received received(Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    Object deliveryCountHeader = null;
    if (properties.getHeaders() != null) {
      for (Map.Entry<String, Object> header : properties.getHeaders().entrySet()) {
        if (DELIVERY_COUNT.equals(header.getKey())) {
          deliveryCountHeader = header.getValue();
        } else if (header.getValue() != null) {
          headers.put(header.getKey(), text(header.getValue()));
        }
      }
    }
    putIfPresent(headers, Headers.CORRELATION_ID, properties.getCorrelationId());
    putIfPresent(headers, Headers.CONTENT_TYPE, properties.getContentType());
    putIfPresent(headers, Headers.ENCLOSED_TYPES, properties.getType());
    String messageId = properties.getMessageId();
    if (isBlank(messageId)) {
      messageId = headers.get(Headers.MESSAGE_ID);
    }
    String refusal = null;
    if (isBlank(messageId)) {
      messageId = contentId(headers, properties, body);
      refusal =
          "the message has no message id (neither the AMQP message-id property nor the "
              + Headers.MESSAGE_ID
              + " header), so a redelivery of it could not be recognised and it could be handled"
              + " twice; it was refused unhandled. Set the message-id property when publishing."
              + " Pump parked it under "
              + messageId
              + ", an id derived from its content";
      headers.remove(Headers.MESSAGE_ID); // a blank one: the parked copy carries the derived id
    }
    putIfPresent(headers, Headers.MESSAGE_ID, messageId);
    return new Received(
        messageId, Map.copyOf(headers), deliveryCount(deliveryCountHeader, envelope), refusal);
  }

  /**
   * A name-based UUID of what the sender wrote: headers (without those the broker adds on its way),
   * the properties a sender sets, and the body. Every delivery of one message gets the same id; two
   * messages with equal content get equal ids, which is why such a message is refused rather than
   * handled under it.
   */
  private static String contentId(
      Map<String, String> headers, AMQP.BasicProperties properties, byte[] body) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    new TreeMap<>(headers)
        .forEach((name, value) -> {
          if (!BROKER_HEADERS.matcher(name).matches()) {
            field(content, name);
            field(content, value);
          }
        });
    for (Object property :
        new Object[] {
          properties.getTimestamp() == null ? null : properties.getTimestamp().getTime(),
          properties.getAppId(),
          properties.getUserId(),
          properties.getReplyTo(),
          properties.getExpiration(),
          properties.getPriority(),
          properties.getContentEncoding()
        }) {
      field(content, String.valueOf(property));
    }
    content.writeBytes(body);
    return UUID.nameUUIDFromBytes(content.toByteArray()).toString();
  }

  // length-prefixed, so that no two different field lists make the same bytes
  private static void field(ByteArrayOutputStream content, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    content.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
    content.writeBytes(bytes);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  /**
   * The delivery count, this delivery included: quorum queues count earlier deliveries in {@code
   * x-delivery-count}; classic queues only say whether it was delivered before.
   */
  private static int deliveryCount(Object header, Envelope envelope) {
    if (header instanceof Number earlier) {
      long count = earlier.longValue() + 1;
      return (int) Math.min(Math.max(count, 1), Integer.MAX_VALUE);
    }
    return envelope.isRedeliver() ? 2 : 1;
  }

  private static String text(Object value) {
    if (value instanceof LongString longString) {
      return new String(longString.getBytes(), StandardCharsets.UTF_8);
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return String.valueOf(value);
  }

  private static void putIfPresent(Map<String, String> headers, String name, String value) {
    if (value != null) {
      headers.putIfAbsent(name, value);
    }
  }

  private static String messageType(String enclosedTypes) {
    if (enclosedTypes == null || enclosedTypes.isEmpty()) {
      return null;
    }
    int end = enclosedTypes.indexOf(';');
    return end < 0 ? enclosedTypes : enclosedTypes.substring(0, end);
  }

  private static boolean fitsShortString(String value) {
    // UTF-8 takes at most 3 bytes per char, so short strings skip the encoding
    return value != null
        && (value.length() * 3 <= MAX_SHORT_STRING_BYTES
            || value.getBytes(StandardCharsets.UTF_8).length <= MAX_SHORT_STRING_BYTES);
  }

  /**
   * A delivery as Pump sees it.
   *
   * @param messageId the message id
   * @param headers every header, unmodifiable
   * @param deliveryCount deliveries so far, this one included
   * @param refusal why the message must not be handled, or null
   */
  record Received(
      String messageId, Map<String, String> headers, int deliveryCount, String refusal) {}
}
