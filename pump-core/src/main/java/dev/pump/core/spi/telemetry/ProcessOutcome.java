package dev.pump.core.spi.telemetry;

/** What became of a received message. */
public enum ProcessOutcome {
  /**
   * Its handlers succeeded (or the inbox found it was a duplicate). In a batch, its writes commit
   * with the batch's.
   */
  HANDLED,
  /** It failed and was sent back to its queue for a delayed retry. */
  DELAYED_RETRY,
  /** It failed for good and was moved to the error queue, with why. */
  ERROR_QUEUE,
  /**
   * It was given back to the transport unsettled, to be received again: stop, or a crash-like
   * error.
   */
  GIVEN_BACK;

  /** The lower-case name, for a metric tag. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
