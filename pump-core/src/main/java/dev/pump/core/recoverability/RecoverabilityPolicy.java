package dev.pump.core.recoverability;

import java.time.Duration;

/**
 * Decides what happens to a message after a failed attempt: {@code (failure, attempts) ->
 * decision}. Consulted only for recoverable failures; unrecoverable ones go to the error queue
 * without asking. Must be thread-safe and quick: it runs on the message's thread.
 */
@FunctionalInterface
public interface RecoverabilityPolicy {
  /** Returns the decision for one failed attempt. */
  RecoveryDecision decide(Failure failure, Attempts attempts);

  /**
   * The standard policy: up to {@code immediateRetries} immediate retries; then up to {@code
   * delayedRetries} delayed rounds, round {@code n} (from 1) waiting {@code increment × n} but at
   * most {@code maxDelay}, each round repeating the immediate retries; then the error queue. Custom
   * policies can delegate to it for the cases they do not care about.
   */
  static RecoverabilityPolicy standard(
      int immediateRetries, int delayedRetries, Duration increment, Duration maxDelay) {
    return (failure, attempts) -> {
      if (attempts.immediateRetries() < immediateRetries) {
        return RecoveryDecision.retryImmediately();
      }
      if (attempts.delayedRetries() < delayedRetries) {
        Duration delay = increment.multipliedBy(attempts.delayedRetries() + 1L);
        return RecoveryDecision.retryAfter(delay.compareTo(maxDelay) > 0 ? maxDelay : delay);
      }
      return RecoveryDecision.moveToErrorQueue(Recoverability.REASON_RETRIES_EXHAUSTED);
    };
  }
}
