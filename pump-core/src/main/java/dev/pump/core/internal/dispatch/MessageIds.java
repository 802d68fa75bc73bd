package dev.pump.core.internal.dispatch;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates message ids as version 7 UUIDs: time-ordered, so ids inserted into an inbox or outbox
 * index land near each other instead of scattering across the B-tree.
 */
public final class MessageIds {
  private MessageIds() {}

  /** Returns a new id whose leading 48 bits are {@code clock}'s milliseconds. */
  public static String next(Clock clock) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = clock.millis();
    long mostSignificant = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long leastSignificant = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(mostSignificant, leastSignificant).toString();
  }
}
