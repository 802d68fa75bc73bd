package dev.pump.opentelemetry;

import dev.pump.core.spi.Destination;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import java.util.List;

/**
 * The names Pump's spans use: the messaging semantic conventions' (v1.44.0) and Pump's own, under
 * {@code pump.}. Written out here rather than taken from the incubating semconv artifact, whose
 * constants change between releases.
 */
final class Semconv {
  static final String INSTRUMENTATION_SCOPE = "dev.pump.opentelemetry";
  static final String SCHEMA_URL = "https://opentelemetry.io/schemas/1.44.0";

  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> CONVERSATION_ID =
      AttributeKey.stringKey("messaging.message.conversation_id");
  static final AttributeKey<Long> BATCH_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");

  static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("pump.endpoint");
  static final AttributeKey<List<String>> TOPICS =
      AttributeKey.stringArrayKey("pump.destination.topics");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("pump.outcome");
  static final AttributeKey<Long> DELIVERY_COUNT = AttributeKey.longKey("pump.delivery_count");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("pump.attempt");

  static final String RETRY_EVENT = "pump.immediate_retry";
  static final String CREATE = "create";
  static final String SEND = "send";
  static final String PUBLISH = "publish";
  static final String PROCESS = "process";
  // error.type when the operation failed without an exception to name it
  static final String OTHER_ERROR = "_OTHER";

  private Semconv() {}

  /**
   * The destination's name: a queue's name, or a published type's own topic (the first of its
   * topics, the most specific).
   */
  static String destinationName(Destination destination) {
    return switch (destination) {
      case Destination.Queue queue -> queue.name();
      case Destination.Topics topics -> topics.topics().getFirst();
    };
  }

  /** Sets the attributes every span has, before it starts, as samplers may read them. */
  static SpanBuilder operation(
      SpanBuilder span,
      String system,
      String destination,
      String operationType,
      String operationName) {
    return span.setAttribute(SYSTEM, system)
        .setAttribute(DESTINATION, destination)
        .setAttribute(OPERATION_TYPE, operationType)
        .setAttribute(OPERATION_NAME, operationName);
  }

  /** Adds all of a published type's topics; nothing for a queue. */
  static SpanBuilder topics(SpanBuilder span, Destination destination) {
    if (destination instanceof Destination.Topics topics) {
      span.setAttribute(TOPICS, topics.topics());
    }
    return span;
  }

  /** Sets {@code key} unless the value is missing. */
  static SpanBuilder optional(SpanBuilder span, AttributeKey<String> key, String value) {
    return value == null ? span : span.setAttribute(key, value);
  }

  /** Marks the span failed by {@code failure}: status, {@code error.type} and the exception. */
  static void failed(Span span, Throwable failure) {
    String message = failure.getMessage();
    span.setStatus(StatusCode.ERROR, message == null ? "" : message);
    span.setAttribute(ERROR_TYPE, failure.getClass().getName());
    span.recordException(failure);
  }
}
