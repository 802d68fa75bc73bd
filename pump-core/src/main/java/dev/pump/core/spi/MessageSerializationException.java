package dev.pump.core.spi;

import dev.pump.core.UnrecoverableMessageException;

/**
 * A message could not be turned into bytes. Unrecoverable: serializing the same object again gives
 * the same result, so a handler that fails with it goes straight to the error queue instead of
 * being retried. Its message names the outgoing message's id and type.
 */
public class MessageSerializationException extends UnrecoverableMessageException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the message and what was wrong. */
  public MessageSerializationException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the serializer's failure. */
  public MessageSerializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
