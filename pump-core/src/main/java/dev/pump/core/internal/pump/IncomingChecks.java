package dev.pump.core.internal.pump;

import dev.pump.core.Headers;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.ReceivedMessage;
import java.util.Map;

/** What the pump reads of a received message before it runs it: text it can store, retries made. */
final class IncomingChecks {
  private IncomingChecks() {}

  /**
   * Why the message's id or headers cannot be stored, or null: every store holds an id of 1 to
   * {@value Names#MAX_LENGTH} characters, and text without NUL or half a surrogate pair.
   */
  static String unstorable(ReceivedMessage received) {
    String id = received.messageId();
    String problem =
        id.isEmpty() || id.length() > Names.MAX_LENGTH
            ? "the message id must be 1 to " + Names.MAX_LENGTH + " characters, was " + id.length()
            : Headers.textProblem("the message id", id);
    for (var headers = received.headers().entrySet().iterator();
        problem == null && headers.hasNext(); ) {
      var header = headers.next();
      problem = Headers.headerProblem("header", header.getKey(), header.getValue());
    }
    if (problem == null) {
      return null;
    }
    String shown = Headers.storable(id);
    return "message "
        + (shown.length() > Names.MAX_LENGTH ? shown.substring(0, Names.MAX_LENGTH) + "..." : shown)
        + ": "
        + problem;
  }

  /**
   * The delayed retry rounds already made, from the {@link Headers#DELAYED_RETRIES} header, clamped
   * to 0 to {@link Recoverability#MAX_RETRIES}: the header travels with the message, so a sender
   * could forge it.
   */
  static int delayedRetriesMade(Map<String, String> headers) {
    String value = headers.get(Headers.DELAYED_RETRIES);
    if (value == null) {
      return 0;
    }
    String digits = value.strip();
    try {
      return Math.clamp(Long.parseLong(digits), 0, Recoverability.MAX_RETRIES);
    } catch (NumberFormatException e) {
      // too many digits for a long is still "very many", not "none"
      return digits.matches("[0-9]+") ? Recoverability.MAX_RETRIES : 0;
    }
  }
}
