package dev.pump.core.internal.recoverability;

import dev.pump.core.Headers;
import dev.pump.core.recoverability.Attempts;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Storage;
import dev.pump.core.spi.Transport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Carries out the decisions that move a message: a delayed retry (a copy back to its own queue,
 * later) and the error queue (a copy with the failure recorded in headers). Both send the copy
 * first and complete the original after, so a crash in between duplicates rather than loses.
 */
public final class RecoveryActions {
  /** Appended to a header value that was cut. */
  static final String TRUNCATED = "\n... (truncated)";

  /** The longest failure reason and exception type kept, in characters. */
  static final int MAX_REASON_CHARS = 512;

  private final String endpoint;
  private final Transport transport;
  private final Storage storage;
  private final String errorQueue;
  private final Clock clock;

  /**
   * Creates the actions for one endpoint.
   *
   * @param storage holds delayed retries when the transport cannot delay them; may be null
   */
  public RecoveryActions(
      String endpoint, Transport transport, Storage storage, String errorQueue, Clock clock) {
    this.endpoint = endpoint;
    this.transport = transport;
    this.storage = storage;
    this.errorQueue = errorQueue;
    this.clock = clock;
  }

  /** Sends a copy to the message's own queue, visible after {@code delay}, and completes it. */
  public void retryLater(ReceivedMessage message, Duration delay, int delayedRetriesMade) {
    Map<String, String> headers = new LinkedHashMap<>(message.headers());
    headers.put(Headers.DELAYED_RETRIES, Integer.toString(delayedRetriesMade + 1));
    OutgoingMessage copy = new OutgoingMessage(message.messageId(), headers, message.body(), delay);
    if (!delay.isZero()
        && !transport.capabilities().delayedDelivery()
        && storage != null
        && storage.holdsDelayedMessages()) {
      // stored first: a crash before complete() leaves a duplicate attempt, never a lost message
      storage.sendLater(endpoint, message.queue(), copy);
      message.complete();
      return;
    }
    sendAndComplete(message, message.queue(), copy);
  }

  /** Sends a copy with failure headers to the error queue, and completes the message. */
  public void moveToErrorQueue(
      ReceivedMessage message, Throwable failure, String reason, Attempts attempts) {
    Map<String, String> headers = new LinkedHashMap<>(message.headers());
    // whatever failure headers came in (forged, or left by a raw send) make way for ours, so the
    // failure headers stay bounded: about 21 KiB in all
    headers.keySet().removeIf(h -> h.startsWith(Headers.FAILURE_PREFIX));
    headers.put(Headers.FAILED_QUEUE, message.queue());
    headers.put(Headers.FAILURE_REASON, cut(reason, MAX_REASON_CHARS));
    headers.put(Headers.EXCEPTION_TYPE, cut(failure.getClass().getName(), MAX_REASON_CHARS));
    headers.put(
        Headers.EXCEPTION_MESSAGE,
        cut(Objects.toString(failure.getMessage(), ""), Headers.MAX_EXCEPTION_MESSAGE_CHARS));
    headers.put(Headers.STACK_TRACE, stackTrace(failure));
    headers.put(Headers.TIME_OF_FAILURE, clock.instant().toString());
    headers.put(Headers.IMMEDIATE_RETRIES_MADE, Integer.toString(attempts.immediateRetries()));
    headers.put(Headers.DELAYED_RETRIES_MADE, Integer.toString(attempts.delayedRetries()));
    // the record of a failure must itself be storable, whatever text the message or the
    // exception carried; the body travels unchanged
    Map<String, String> storable = new LinkedHashMap<>();
    headers.forEach((name, value) -> storable.put(Headers.storable(name), Headers.storable(value)));
    String id = Headers.storable(message.messageId());
    sendAndComplete(message, errorQueue, OutgoingMessage.of(id, storable, message.body()));
  }

  /** Atomically where the transport can (one database transaction), else send, then complete. */
  private void sendAndComplete(ReceivedMessage message, String queue, OutgoingMessage copy) {
    if (!message.completeAndSend(queue, copy)) {
      transport.send(queue, List.of(copy));
      message.complete();
    }
  }

  /** The error queue's name. */
  public String errorQueue() {
    return errorQueue;
  }

  /** The stack trace with causes, cut to {@link Headers#MAX_STACK_TRACE_CHARS}. */
  static String stackTrace(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return cut(out.toString(), Headers.MAX_STACK_TRACE_CHARS);
  }

  /** {@code text}, or its start with a marker if it is longer than {@code max} characters. */
  static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - TRUNCATED.length();
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    return text.substring(0, end) + TRUNCATED;
  }
}
