package dev.pump.jdbc.internal.dispatcher;

import dev.pump.core.internal.shared.Backoff;
import dev.pump.core.internal.shared.Problems;
import java.time.Duration;

/**
 * The back-off between a failed outbox row's attempts, and its check against the inbox retention: a
 * row retried for longer than the receivers' inboxes remember could arrive twice unrecognised.
 */
public final class RetryBackoff {
  /** The jitter: 20%, so that rows failed together do not retry together. */
  static final double JITTER = 0.2;

  private RetryBackoff() {}

  /** The back-off; a first step above the cap starts at the cap. */
  public static Backoff of(Duration first, Duration max) {
    return new Backoff(first.compareTo(max) > 0 ? max : first, max, JITTER);
  }

  /**
   * Names the problem if a row's retries, from its first failed attempt to its last with the jitter
   * at its top, outlast {@code inboxRetention}.
   */
  public static void check(
      Problems problems, int maxAttempts, Duration first, Duration max, Duration inboxRetention) {
    Duration horizon = of(first, max).longestTotal(maxAttempts - 1);
    if (horizon.compareTo(inboxRetention) > 0) {
      problems.add(
          "dispatcher retries a row for up to "
              + horizon
              + " (maxAttempts "
              + maxAttempts
              + ", retryBackoff "
              + first
              + " doubling to "
              + max
              + "), longer than storage.inboxRetention "
              + inboxRetention
              + ": a late copy would not be recognised as a duplicate");
    }
  }
}
