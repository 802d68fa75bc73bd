package dev.pump.core;

/**
 * A failure that retrying cannot fix: the message goes straight to the error queue. Throw it (or a
 * subclass) from a handler for messages that are wrong, not unlucky; Pump throws it for payloads it
 * cannot deserialize and types nobody handles.
 */
public class UnrecoverableMessageException extends PumpException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message says why the message can never succeed. */
  public UnrecoverableMessageException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public UnrecoverableMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
