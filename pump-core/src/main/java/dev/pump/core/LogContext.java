package dev.pump.core;

/**
 * The keys Pump puts in the SLF4J {@link org.slf4j.MDC} while a message is handled, on the thread
 * that handles it: the handlers' own log lines carry them, and so do Pump's. They are removed when
 * the message's fate is known. For example, a Logback pattern {@code %X{pump.messageId}}.
 */
public final class LogContext {
  /** The endpoint handling the message. */
  public static final String ENDPOINT = "pump.endpoint";

  /** The id of the message being handled. */
  public static final String MESSAGE_ID = "pump.messageId";

  /** The message's correlation id: its own id when it started a conversation. */
  public static final String CORRELATION_ID = "pump.correlationId";

  /**
   * Which attempt of this delivery is running: 1, then 2 for the first immediate retry, and so on.
   * A delayed retry is a new delivery and starts again at 1.
   */
  public static final String ATTEMPT = "pump.attempt";

  private LogContext() {}
}
