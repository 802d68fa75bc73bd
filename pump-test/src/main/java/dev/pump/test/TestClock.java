package dev.pump.test;

import java.time.Clock;
import java.time.Duration;

/**
 * The clock of a {@link TestPump}: the system's time plus what the test advanced it by. The kit
 * gives it to the endpoints and the dispatcher it runs, so headers, failure times and circuit
 * breakers read it.
 *
 * <p>Delays in Pump are kept by PostgreSQL (an outbox row's {@code due_at}, a queued message's
 * {@code visible_at}, computed from the database's own clock), which no Java clock moves. So {@link
 * #advance} also moves those: see its description for exactly what. Thread-safe.
 */
public abstract class TestClock extends Clock {
  /** For the kit's own implementation. */
  protected TestClock() {}

  /**
   * Moves time forward by {@code duration} without waiting:
   *
   * <ol>
   *   <li>this clock reads {@code duration} later from now on;
   *   <li>in the test's Pump schema, every outbox row not yet dispatched nor parked has its {@code
   *       due_at} made {@code duration} earlier, and every queued message its {@code visible_at},
   *       so a delayed send, a dispatcher's retry back-off and a delayed retry fall due as if that
   *       time had passed (their order among themselves stays the same);
   *   <li>the dispatcher and the endpoints' receivers are woken.
   * </ol>
   *
   * It does not change PostgreSQL's {@code now()} (so {@code created_at}, {@code enqueued_at}, the
   * inbox's {@code processed_at} and retention keep real time), timers inside handlers, nor rows
   * written after it returns. Follow it with {@link TestPump#awaitIdle()} to let what fell due run.
   *
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public abstract void advance(Duration duration);

  /** How far the test has advanced this clock in all. */
  public abstract Duration advanced();
}
