package dev.pump.core;

import java.time.Instant;
import java.util.Optional;

/**
 * How an endpoint is doing, read at one moment from memory (no I/O): what a readiness probe, Spring
 * Boot's Actuator or a gauge calls. Returned by {@link Endpoint#health()}.
 *
 * @param endpoint the endpoint's name
 * @param state where it is in its life
 * @param receiving the state of its receive breaker: whether receives from the transport succeed
 * @param settling whether settling received messages (acknowledging, giving back, moving to a retry
 *     or the error queue) succeeds, as a breaker state too
 * @param inFlight how many received messages are being processed now
 * @param concurrency the most it processes at once
 * @param lastError the last failure to receive or to settle, if there was one since it started
 */
public record EndpointHealth(
    String endpoint,
    Endpoint.State state,
    BreakerState receiving,
    BreakerState settling,
    int inFlight,
    int concurrency,
    Optional<LastError> lastError) {

  /** Whether it is running and its receives and settles are not failing for good. */
  public boolean healthy() {
    return state == Endpoint.State.RUNNING
        && receiving != BreakerState.OPEN
        && settling != BreakerState.OPEN;
  }

  /** A breaker's state. */
  public enum BreakerState {
    /** The last attempt succeeded. */
    CLOSED,
    /** Some attempts in a row failed, fewer than the breaker's threshold; it backs off. */
    FAILING,
    /**
     * The threshold was reached and a critical error reported; it keeps trying, backing off, until
     * one succeeds.
     */
    OPEN
  }

  /**
   * A failure to receive or to settle.
   *
   * @param time when it happened
   * @param description what failed, with the exception's type and message
   */
  public record LastError(Instant time, String description) {}
}
