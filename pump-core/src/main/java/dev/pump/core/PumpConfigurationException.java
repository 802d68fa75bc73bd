package dev.pump.core;

/**
 * Invalid configuration: a setting out of range, a hostile or malformed name. Thrown at the
 * boundary (a builder's {@code build()}, an entry point's arguments) before anything is changed,
 * with a message that names the setting and the bad value.
 */
public class PumpConfigurationException extends PumpException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the bad setting and its value. */
  public PumpConfigurationException(String message) {
    super(message);
  }

  /**
   * Creates an exception whose message names the bad setting and what to do, with the failure that
   * revealed it.
   */
  public PumpConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
