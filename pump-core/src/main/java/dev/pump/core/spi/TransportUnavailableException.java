package dev.pump.core.spi;

/**
 * The transport could not be reached at all (no connection to the broker or database), so the
 * operation was not tried for any message in particular. Whoever retries should wait for the
 * transport rather than hold it against the messages: the outbox dispatcher backs such rows off
 * without counting the attempt towards parking them, so an outage of any length parks nothing.
 */
public class TransportUnavailableException extends TransportException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the transport, the operation and its target. */
  public TransportUnavailableException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public TransportUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
