package dev.pump.core.spi.telemetry;

/** One batch handed to a transport. Used by one thread. */
@FunctionalInterface
public interface SendObservation {
  /** Observes nothing. */
  SendObservation NONE = failure -> {};

  /**
   * The transport returned.
   *
   * @param failure why the send failed, or {@code null}
   */
  void ended(Throwable failure);
}
