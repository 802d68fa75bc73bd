package dev.pump.core.internal.routing;

import dev.pump.core.UnrecoverableMessageException;

/** The endpoint has no handler for any of a message's enclosed types. Unrecoverable. */
public class NoHandlerException extends UnrecoverableMessageException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception naming the message and its types. */
  public NoHandlerException(String message) {
    super(message);
  }
}
