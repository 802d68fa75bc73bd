package dev.pump.core.internal.pump;

import dev.pump.core.Headers;
import dev.pump.core.LogContext;
import dev.pump.core.spi.pipeline.IncomingMessage;
import dev.pump.core.spi.telemetry.ProcessObservation;
import dev.pump.core.spi.telemetry.ProcessOutcome;
import org.slf4j.MDC;

/**
 * One message's telemetry and log context while it is processed: the MDC keys of {@link LogContext}
 * are set from the start until {@link #close}, and the observation is ended exactly once. Used by
 * the thread processing the message.
 */
final class ObservedMessage {
  private final ProcessObservation observation;
  private boolean ended;

  ObservedMessage(ProcessObservation observation, String endpoint, IncomingMessage incoming) {
    this.observation = observation;
    MDC.put(LogContext.ENDPOINT, endpoint);
    MDC.put(LogContext.MESSAGE_ID, Headers.storable(incoming.messageId()));
    MDC.put(
        LogContext.CORRELATION_ID,
        Headers.storable(
            incoming.headers().getOrDefault(Headers.CORRELATION_ID, incoming.messageId())));
    MDC.put(LogContext.ATTEMPT, "1");
  }

  /** The attempt failed; {@code immediateRetries} retries in place have now been decided. */
  void retrying(Throwable failure, int immediateRetries) {
    observation.retrying(failure);
    MDC.put(LogContext.ATTEMPT, Integer.toString(immediateRetries + 1));
  }

  /** The message's fate is known; later calls are ignored. */
  void ended(ProcessOutcome outcome, Throwable failure) {
    if (!ended) {
      ended = true;
      observation.ended(outcome, failure);
    }
  }

  /** Ends the observation if nothing did (the message goes back), and clears the log context. */
  void close(Throwable thrown) {
    try {
      ended(ProcessOutcome.GIVEN_BACK, thrown);
    } finally {
      MDC.remove(LogContext.ENDPOINT);
      MDC.remove(LogContext.MESSAGE_ID);
      MDC.remove(LogContext.CORRELATION_ID);
      MDC.remove(LogContext.ATTEMPT);
    }
  }
}
