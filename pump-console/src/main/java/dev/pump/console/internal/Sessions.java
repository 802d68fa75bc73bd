package dev.pump.console.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signed-in sessions of one console, in memory: each has a random 256-bit id (the cookie) and
 * its own CSRF token, and ends after a while without requests. A restart signs everybody out.
 * Thread-safe.
 */
public final class Sessions {
  /** The most sessions kept; past it, the one idle longest is dropped: {@value}. */
  public static final int MAX_SESSIONS = 1_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration timeout;

  /** Sessions that end {@code timeout} after their last request. */
  public Sessions(Clock clock, Duration timeout) {
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * One session.
   *
   * @param id its cookie value
   * @param csrf the token its forms carry
   * @param expiresAt when it ends unless used again
   */
  public record Session(String id, String csrf, Instant expiresAt) {}

  /** Starts a session. */
  public Session start() {
    Instant now = clock.instant();
    sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
    while (sessions.size() >= MAX_SESSIONS) {
      sessions.values().stream()
          .min(Comparator.comparing(Session::expiresAt))
          .ifPresent(oldest -> sessions.remove(oldest.id()));
    }
    Session session = new Session(random(), random(), now.plus(timeout));
    sessions.put(session.id(), session);
    return session;
  }

  /** The live session with cookie value {@code id}, its expiry moved on; null if none. */
  public Session find(String id) {
    if (id == null) {
      return null;
    }
    Instant now = clock.instant();
    Session session = sessions.get(id);
    if (session == null) {
      return null;
    }
    if (!session.expiresAt().isAfter(now)) {
      sessions.remove(id);
      return null;
    }
    Session renewed = new Session(session.id(), session.csrf(), now.plus(timeout));
    sessions.replace(id, session, renewed);
    return renewed;
  }

  /** Ends session {@code id}, if there is one. */
  public void end(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  /** How long a session lasts without requests. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Whether {@code given} equals {@code expected}, in time independent of where they differ and of
   * their lengths (both are hashed first). False when either is null.
   */
  public static boolean same(String given, String expected) {
    if (given == null || expected == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(given), sha256(expected));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
