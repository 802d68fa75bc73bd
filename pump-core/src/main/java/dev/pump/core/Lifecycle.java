package dev.pump.core;

import java.time.Duration;

/**
 * The one shape of everything in a Pump service that runs: endpoints, the outbox dispatcher, the
 * retention cleaner, storages and transports. A {@link Service} starts and stops them in the right
 * order.
 *
 * <p>{@link #start()} once, then {@link #stop(Duration)} any number of times, from any thread: the
 * first stop does the work, later ones return at once. A stop of something never started releases
 * what it holds and returns. Parts that are ready once built (most transports and storages) do
 * nothing on start, accept it any number of times, and release what they hold on stop without
 * waiting.
 */
public interface Lifecycle extends AutoCloseable {
  /**
   * Starts the work.
   *
   * @throws IllegalStateException if an endpoint, dispatcher, cleaner or service was started or
   *     stopped before
   */
  void start();

  /**
   * Stops, letting work in flight finish for up to {@code grace}, then abandoning the rest so that
   * it is done again later; nothing is lost. Returns within {@code grace} plus a short bounded time
   * stated by each implementation.
   */
  void stop(Duration grace);

  /** Stops with the implementation's own default grace. */
  @Override
  void close();
}
