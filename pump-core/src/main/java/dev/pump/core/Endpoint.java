package dev.pump.core;

import dev.pump.core.recoverability.FailedMessages;
import java.time.Duration;
import java.time.Instant;

/**
 * A named logical service: it receives messages from its input queue with a bounded, gracefully
 * stoppable pump, runs each through its middleware pipeline to its handlers, and recovers from
 * failures with retries and an error queue.
 *
 * <pre>{@code
 * try (Endpoint orders = Endpoint.builder()
 *     .name("orders")
 *     .transport(transport)
 *     .handler(PlaceOrder.class, (order, context) -> context.publish(new OrderPlaced(order.id())))
 *     .build()) {
 *   orders.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>An endpoint is not a sender. Inside a handler, send through its {@link Context}: the sends
 * leave only if the handler's transaction commits. Outside a handler, send through the storage's
 * transactional session (on PostgreSQL, {@code JdbcStorage.inTransaction}), so that the sends
 * commit with the application's own writes. {@link #withoutOutbox()} sends at once, for endpoints
 * without a storage and for code that accepts losing or duplicating a send.
 *
 * <p>An endpoint runs once: {@link #start()}, then {@link #stop(Duration)} (or {@link #close()}).
 * Its settings are frozen when it is built. All methods are thread-safe; {@code stop} may be called
 * from any thread, any number of times.
 */
public interface Endpoint extends Lifecycle {
  /** Returns a builder for an endpoint; see {@link EndpointBuilder} for every setting. */
  static EndpointBuilder builder() {
    return new EndpointBuilder();
  }

  /** The endpoint's name. */
  String name();

  /** The queue the endpoint receives from. */
  String inputQueue();

  /** Where the endpoint is in its life. */
  State state();

  /**
   * How the endpoint is doing now: its state, its receive and settle breakers, the messages in
   * flight and the last failure to receive or settle. Read from memory, without I/O, so a probe may
   * call it as often as it likes.
   */
  EndpointHealth health();

  /**
   * Starts receiving: creates the input and error queues if needed, subscribes the input queue to
   * the topics of the handled types (unless turned off), and starts the pump.
   *
   * @throws IllegalStateException if the endpoint was started before
   */
  void start();

  /**
   * Stops the endpoint, in order: stop receiving; wait up to {@code grace} for messages in flight
   * to finish; then signal cancellation to those still running (their context's {@link
   * Cancellation}, and a thread interrupt unless the message is already being settled: an interrupt
   * would close the connection it settles on) and wait a short bounded time more ({@code
   * EndpointBuilder.cancellationGrace}). Cancelled messages are not acknowledged, so they are
   * received again later; nothing is lost. A message received after stop began is given back
   * without being started.
   *
   * <p>Returns within {@code grace} plus the cancellation grace. Idempotent: later calls, and calls
   * on an endpoint never started, return at once. A stop while {@link #start()} is still running
   * waits for the start to finish, then stops. Called from one of the endpoint's own handlers, it
   * starts the stop and returns without waiting (the handler would otherwise wait for itself).
   */
  void stop(Duration grace);

  /** Stops with the grace set by {@code EndpointBuilder.stopGrace} (default 30 seconds). */
  @Override
  void close();

  /**
   * A sender that hands each message to the transport at once, skipping the outbox: a send is not
   * undone if the caller's transaction rolls back, and is lost if the process dies while it is in
   * flight. Use it where no storage is configured, or for sends that need no transaction. Messages
   * get this endpoint's routing, serializer and headers.
   *
   * @throws dev.pump.core.PumpException from a send once the endpoint stopped
   */
  MessageSender withoutOutbox();

  /** Operations on this endpoint's error queue: retry failed messages once fixed. */
  FailedMessages failedMessages();

  /** The life of an endpoint. */
  enum State {
    /** Built, not started. */
    CREATED,
    /**
     * {@link #start()} is creating queues and subscriptions; a stop now waits for the start to
     * finish, then stops.
     */
    STARTING,
    /** Receiving and processing. */
    RUNNING,
    /** Stop began: no more receives; in-flight messages are finishing or being cancelled. */
    STOPPING,
    /** Stopped; it cannot start again. */
    STOPPED
  }

  /**
   * Something the endpoint cannot fix by itself, reported through {@code
   * EndpointBuilder.onCriticalError}: receiving from the transport failing over and over, or
   * settling received messages (acknowledging, giving back, moving to a retry or the error queue)
   * failing over and over. The endpoint keeps trying; the callback decides whether to alert, or to
   * stop.
   *
   * @param endpoint the endpoint's name
   * @param description what is wrong, in words
   * @param consecutiveFailures how many receives, or settles, in a row failed
   * @param time when the error was reported
   * @param cause the last failure
   */
  public record CriticalError(
      String endpoint,
      String description,
      int consecutiveFailures,
      Instant time,
      Throwable cause) {}
}
