package dev.pump.micrometer;

import dev.pump.core.spi.Destination;
import java.time.Duration;

/**
 * The tag keys and fixed values the meters share, and OpenTelemetry's duration buckets. Tag values
 * are names a user configured (endpoints, queues, message types), outcomes and exception classes:
 * never a message id, so the number of series stays bounded.
 */
final class Tagging {
  static final String SYSTEM = "messaging.system";
  static final String DESTINATION = "messaging.destination.name";
  static final String OPERATION = "messaging.operation.name";
  static final String ERROR_TYPE = "error.type";
  static final String ENDPOINT = "pump.endpoint";

  /**
   * The {@code error.type} of an operation that succeeded. The conventions leave the attribute out
   * then, but every meter of one name needs the same tag keys.
   */
  static final String NO_ERROR = "none";

  /** The explicit bucket boundaries the conventions advise for messaging durations. */
  static final Duration[] DURATION_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(75),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofMillis(750),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofMillis(7500),
    Duration.ofSeconds(10)
  };

  private Tagging() {}

  /** A send's {@code messaging.destination.name}: the queue, or the message type's topic. */
  static String destinationName(Destination destination) {
    return switch (destination) {
      case Destination.Queue queue -> queue.name();
      case Destination.Topics topics -> topics.topics().getFirst();
    };
  }

  /** A send's {@code messaging.operation.name}: {@code send} to a queue, else {@code publish}. */
  static String operationName(Destination destination) {
    return destination instanceof Destination.Queue ? "send" : "publish";
  }

  /** The exception's class name, or {@link #NO_ERROR}. */
  static String errorType(Throwable failure) {
    return failure == null ? NO_ERROR : failure.getClass().getName();
  }
}
