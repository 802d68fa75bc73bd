package dev.pump.core.spi;

import dev.pump.core.UnrecoverableMessageException;

/**
 * A message body could not be turned into its type. Unrecoverable: retrying the same bytes gives
 * the same result, so the message goes straight to the error queue with this as the reason.
 */
public class MessageDeserializationException extends UnrecoverableMessageException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the type and what was wrong. */
  public MessageDeserializationException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the parser's failure. */
  public MessageDeserializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
