/**
 * Recoverability: what happens to a message that fails. {@link
 * dev.pump.core.recoverability.Recoverability} holds the settings (immediate retries, delayed
 * retries, error queue, unrecoverable exceptions, an optional custom {@link
 * dev.pump.core.recoverability.RecoverabilityPolicy}); {@link
 * dev.pump.core.recoverability.FailedMessages} moves parked messages back once the fault is fixed.
 */
package dev.pump.core.recoverability;
