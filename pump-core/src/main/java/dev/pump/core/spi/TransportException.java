package dev.pump.core.spi;

import dev.pump.core.PumpException;

/** A transport operation failed: the broker or database is unreachable, or refused the call. */
public class TransportException extends PumpException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the queue or topic and the operation. */
  public TransportException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
