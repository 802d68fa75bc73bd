package dev.pump.core;

import java.time.Instant;

/**
 * Something the endpoint cannot fix by itself, reported through {@code
 * EndpointBuilder.onCriticalError}: receiving from the transport failing over and over, or settling
 * received messages (acknowledging, giving back, moving to a retry or the error queue) failing over
 * and over. The endpoint keeps trying; the callback decides whether to alert, or to stop.
 *
 * @param endpoint the endpoint's name
 * @param description what is wrong, in words
 * @param consecutiveFailures how many receives, or settles, in a row failed
 * @param time when the error was reported
 * @param cause the last failure
 */
public record CriticalError(
    String endpoint, String description, int consecutiveFailures, Instant time, Throwable cause) {}
