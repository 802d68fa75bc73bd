package dev.pump.examples.shop;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the handlers let the example see, for its story: how many orders are being placed at once,
 * how often the flaky charge was attempted, and which shipping message failed. Not part of the
 * shop's logic. Thread-safe.
 */
final class Observations {
  private final AtomicInteger placing = new AtomicInteger();
  private final AtomicInteger maxPlacing = new AtomicInteger();
  private final AtomicInteger chargeAttempts = new AtomicInteger();
  private final AtomicInteger shippingFailures = new AtomicInteger();
  private final AtomicReference<String> failedShipment = new AtomicReference<>();

  /** An order handler is running; {@link Busy#done()} says it finished. */
  Busy placing() {
    maxPlacing.accumulateAndGet(placing.incrementAndGet(), Math::max);
    return placing::decrementAndGet;
  }

  /** Order handlers running now. */
  int placingNow() {
    return placing.get();
  }

  /** The most order handlers that ran at once. */
  int maxPlacing() {
    return maxPlacing.get();
  }

  /** Counts an attempt to charge the flaky order and returns its number, from 1. */
  int chargeAttempt() {
    return chargeAttempts.incrementAndGet();
  }

  /** Attempts made to charge the flaky order. */
  int chargeAttempts() {
    return chargeAttempts.get();
  }

  /** Records a failed shipment attempt of the message {@code messageId}. */
  void shippingFailed(String messageId) {
    failedShipment.set(messageId);
    shippingFailures.incrementAndGet();
  }

  /** Failed shipment attempts. */
  int shippingFailures() {
    return shippingFailures.get();
  }

  /** The id of the shipping message that failed, or null. */
  String failedShipment() {
    return failedShipment.get();
  }

  /** A running handler. */
  interface Busy {
    /** The handler finished. */
    void done();
  }
}
