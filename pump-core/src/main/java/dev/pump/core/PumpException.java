package dev.pump.core;

/**
 * The root of every exception Pump throws. Unchecked, so handlers and middleware need not declare
 * it; catch it to handle any Pump failure in one place.
 */
public class PumpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what went wrong and what to do about it. */
  public PumpException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public PumpException(String message, Throwable cause) {
    super(message, cause);
  }
}
