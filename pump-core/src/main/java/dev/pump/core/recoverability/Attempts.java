package dev.pump.core.recoverability;

/**
 * How often a message has been retried before the failure being decided on.
 *
 * @param immediateRetries immediate retries already made in the current round; 0 after the round's
 *     first failure
 * @param delayedRetries delayed retry rounds already made; carried in the {@code
 *     pump.retries.delayed} header, so it survives the round trip through the queue
 */
public record Attempts(int immediateRetries, int delayedRetries) {}
