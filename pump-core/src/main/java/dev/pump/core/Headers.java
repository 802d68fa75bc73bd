package dev.pump.core;

/**
 * The names of the headers Pump writes and reads, in one place.
 *
 * <p>Every outgoing message carries {@link #MESSAGE_ID}, {@link #CORRELATION_ID}, {@link
 * #CONVERSATION_ID}, {@link #REPLY_TO}, {@link #TIME_SENT}, {@link #CONTENT_TYPE} and {@link
 * #ENCLOSED_TYPES}; a message sent while handling another also carries {@link #CAUSATION_ID}, and
 * inherits the incoming correlation id, conversation id and W3C trace context. The {@code
 * pump.failure.*} headers are added when a message is moved to the error queue. Every {@code
 * pump.*} header is reserved to Pump ({@link #isReserved}).
 */
public final class Headers {
  /** The message's id; kept across retries and the error queue, so receivers can deduplicate. */
  public static final String MESSAGE_ID = "pump.message-id";

  /** The id shared by a message and everything sent because of it; flows incoming to outgoing. */
  public static final String CORRELATION_ID = "pump.correlation-id";

  /** The id of the message whose handler sent this one. */
  public static final String CAUSATION_ID = "pump.causation-id";

  /** The id of the whole conversation, from its first message on. */
  public static final String CONVERSATION_ID = "pump.conversation-id";

  /** The queue a {@code reply} goes to: the sending endpoint's input queue. */
  public static final String REPLY_TO = "pump.reply-to";

  /** The name of the endpoint that sent the message. */
  public static final String ORIGINATING_ENDPOINT = "pump.originating-endpoint";

  /** When the message was sent, as an ISO-8601 instant. */
  public static final String TIME_SENT = "pump.time-sent";

  /** The body's content type, e.g. {@code application/json}. */
  public static final String CONTENT_TYPE = "pump.content-type";

  /**
   * The message type's wire name followed by its supertypes' and interfaces', separated by {@code
   * ;}, so a receiver that only knows an interface can still find a handler. A type's wire name is
   * its {@link MessageName}, or its Java class name; a receiver also accepts its aliases and class
   * name.
   */
  public static final String ENCLOSED_TYPES = "pump.enclosed-types";

  /** W3C trace context, passed through from incoming to outgoing unchanged. */
  public static final String TRACEPARENT = "traceparent";

  /** W3C trace state, passed through together with {@link #TRACEPARENT}. */
  public static final String TRACESTATE = "tracestate";

  /** How many delayed retry rounds the message has already had. */
  public static final String DELAYED_RETRIES = "pump.retries.delayed";

  /** The ordering key of {@link SendOptions.Builder#orderingKey}, when one was given. */
  public static final String ORDERING_KEY = "pump.ordering-key";

  /** Prefix of every header added when a message is moved to the error queue. */
  public static final String FAILURE_PREFIX = "pump.failure.";

  /** The queue the message failed in, where a retry from the error queue sends it back. */
  public static final String FAILED_QUEUE = FAILURE_PREFIX + "queue";

  /**
   * Why the message was moved: {@code unrecoverable}, {@code retries-exhausted}, {@code
   * too-many-deliveries}, or a custom policy's reason.
   */
  public static final String FAILURE_REASON = FAILURE_PREFIX + "reason";

  /** The class name of the exception that failed the message. */
  public static final String EXCEPTION_TYPE = FAILURE_PREFIX + "exception-type";

  /**
   * The message of the exception that failed the message, cut to {@link
   * #MAX_EXCEPTION_MESSAGE_CHARS}.
   */
  public static final String EXCEPTION_MESSAGE = FAILURE_PREFIX + "exception-message";

  /** The exception's stack trace, truncated to {@link #MAX_STACK_TRACE_CHARS}. */
  public static final String STACK_TRACE = FAILURE_PREFIX + "stack-trace";

  /** When the message failed for the last time, as an ISO-8601 instant. */
  public static final String TIME_OF_FAILURE = FAILURE_PREFIX + "time";

  /** How many immediate retries the last round made before giving up. */
  public static final String IMMEDIATE_RETRIES_MADE = FAILURE_PREFIX + "immediate-retries";

  /** How many delayed retry rounds were made before giving up. */
  public static final String DELAYED_RETRIES_MADE = FAILURE_PREFIX + "delayed-retries";

  /** The largest stack trace kept in {@link #STACK_TRACE}, in characters (16 KiB). */
  public static final int MAX_STACK_TRACE_CHARS = 16 * 1024;

  /** The largest exception message kept in {@link #EXCEPTION_MESSAGE}, in characters (4 KiB). */
  public static final int MAX_EXCEPTION_MESSAGE_CHARS = 4 * 1024;

  /**
   * The prefix of every header Pump sets itself. It is reserved: {@link SendOptions} refuses
   * headers with it, so a sender cannot forge retry counts or failure records.
   */
  public static final String RESERVED_PREFIX = "pump.";

  /** Whether {@code name} is a header only Pump may set: it starts with {@code pump.}, any case. */
  public static boolean isReserved(String name) {
    return name.regionMatches(true, 0, RESERVED_PREFIX, 0, RESERVED_PREFIX.length());
  }

  /**
   * Returns a sentence saying why {@code text} cannot travel as a header name or value, or {@code
   * null} if it can. Header text must reach every transport and storage unchanged, and neither
   * PostgreSQL's {@code text} nor its {@code jsonb} holds the NUL character (U+0000) or half of a
   * surrogate pair, so Pump refuses both where a message enters: {@link SendOptions} on the way
   * out, and the pump on the way in (such a message is unrecoverable at once).
   *
   * @param what what the text is, for the sentence, e.g. {@code "sendOptions.headers[\"x\"]"}
   */
  public static String textProblem(String what, String text) {
    int at = unstorableAt(text);
    if (at < 0) {
      return null;
    }
    String found =
        text.charAt(at) == 0
            ? "a NUL character (U+0000)"
            : String.format("half of a surrogate pair (U+%04X)", (int) text.charAt(at));
    return what + " must not contain " + found + ", found at index " + at + ": it cannot be stored";
  }

  /**
   * Returns why a header cannot be stored, naming it as {@code prefix["name"]}, or {@code null} if
   * both its name and its value can ({@link #textProblem}). Scans first; builds text only for a
   * header that has a problem.
   */
  public static String headerProblem(String prefix, String name, String value) {
    boolean nameStorable = unstorableAt(name) < 0;
    if (nameStorable && unstorableAt(value) < 0) {
      return null;
    }
    String shown = prefix + "[\"" + storable(name) + "\"]";
    return nameStorable ? textProblem(shown, value) : textProblem(shown + " (its name)", name);
  }

  /** The index of the first character that cannot be stored, or -1 if there is none. */
  static int unstorableAt(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return i;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * {@code text} with every character that cannot be stored written out as a visible escape (a
   * backslash, {@code u} and four hex digits), so that a record of a bad message can be stored.
   */
  public static String storable(String text) {
    int at = unstorableAt(text);
    if (at < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 8).append(text, 0, at);
    for (int i = at; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      if (pair) {
        out.append(c).append(text.charAt(++i));
      } else if (c == 0 || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private Headers() {}
}
