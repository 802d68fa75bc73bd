package dev.pump.core.internal.dispatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates message ids.
 *
 * <p>A send from outside a handler gets a version 7 UUID: time-ordered, so ids inserted into an
 * inbox or outbox index land near each other instead of scattering across the B-tree.
 *
 * <p>A send made while handling a message gets a version 8 UUID derived (SHA-256) from the
 * endpoint, the incoming message's id and the send's ordinal within the attempt. A retry of the
 * same message that sends the same things in the same order therefore sends them with the same ids,
 * so a receiver's inbox recognises whatever an earlier, partly dispatched attempt already sent.
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

  /**
   * Returns the id of the {@code ordinal}-th send (from 0) made by endpoint {@code endpoint} while
   * handling message {@code incomingId}: the same inputs always give the same id.
   */
  public static String derived(String endpoint, String incomingId, int ordinal) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    // lengths first, so no two different (endpoint, id) pairs can give the same input
    sha256.update(
        ByteBuffer.allocate(12)
            .putInt(endpoint.length())
            .putInt(incomingId.length())
            .putInt(ordinal)
            .array());
    sha256.update(endpoint.getBytes(StandardCharsets.UTF_8));
    sha256.update(incomingId.getBytes(StandardCharsets.UTF_8));
    ByteBuffer hash = ByteBuffer.wrap(sha256.digest());
    long mostSignificant = (hash.getLong() & ~0xF000L) | 0x8000L; // version 8
    long leastSignificant = (hash.getLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(mostSignificant, leastSignificant).toString();
  }
}
