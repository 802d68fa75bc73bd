package dev.pump.core.recoverability;

import java.time.Duration;
import java.util.Objects;

/** What to do with a failed message: retry now, retry later, or park it in the error queue. */
public sealed interface RecoveryDecision {
  /** Run the pipeline again at once, in this process, with a fresh context. */
  static RecoveryDecision retryImmediately() {
    return RetryImmediately.INSTANCE;
  }

  /**
   * Send a copy back to the queue, visible after {@code delay}, and complete the original. The copy
   * starts a new round of immediate retries.
   */
  static RecoveryDecision retryAfter(Duration delay) {
    return new RetryDelayed(delay);
  }

  /** Move the message to the error queue, with {@code reason} in its failure headers. */
  static RecoveryDecision moveToErrorQueue(String reason) {
    return new MoveToErrorQueue(reason);
  }

  /** Retry at once. */
  enum RetryImmediately implements RecoveryDecision {
    /** The one instance. */
    INSTANCE
  }

  /**
   * Retry after a delay.
   *
   * @param delay how long until the copy becomes visible; positive
   */
  record RetryDelayed(Duration delay) implements RecoveryDecision {
    /** Checks that the delay is positive. */
    public RetryDelayed {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative() || delay.isZero()) {
        throw new IllegalArgumentException("delayed retry needs a positive delay, was " + delay);
      }
    }
  }

  /**
   * Park in the error queue.
   *
   * @param reason why, e.g. {@code unrecoverable} or {@code retries-exhausted}
   */
  record MoveToErrorQueue(String reason) implements RecoveryDecision {
    /** Checks that a reason is given. */
    public MoveToErrorQueue {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
