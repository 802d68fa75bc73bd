package dev.pump.core.spi.telemetry;

/**
 * The processing of one received message, from its first attempt until its fate is known. Used by
 * one thread.
 */
public interface ProcessObservation {
  /** Observes nothing. */
  ProcessObservation NONE = (outcome, failure) -> {};

  /** An attempt failed and the message is retried at once, in place. */
  default void retrying(Throwable failure) {}

  /**
   * The message's fate is known.
   *
   * @param outcome what became of it
   * @param failure the last attempt's failure, or {@code null} when it was handled
   */
  void ended(ProcessOutcome outcome, Throwable failure);
}
