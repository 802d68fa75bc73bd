package dev.pump.console.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times, ages and counts as the pages show them: UTC, short, and the same everywhere. */
public final class Formats {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Formats() {}

  /** {@code 2026-12-06 12:34:56Z}; "" for null. */
  public static String time(Instant instant) {
    return instant == null ? "" : TIME.format(instant);
  }

  /** {@code 12:34} in UTC. */
  public static String clock(Instant instant) {
    return CLOCK.format(instant);
  }

  /**
   * {@code 850 ms}, {@code 42 s}, {@code 5 m 13 s}, {@code 1 m}, {@code 3 h 2 m}, {@code 2 d 4 h}.
   */
  public static String duration(Duration duration) {
    if (duration == null) {
      return "";
    }
    long millis = Math.max(0, duration.toMillis());
    if (millis < 1_000) {
      return millis + " ms";
    }
    long seconds = millis / 1_000;
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3_600) {
      return seconds / 60 + " m" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
    }
    if (seconds < 86_400) {
      return seconds / 3_600 + " h " + seconds % 3_600 / 60 + " m";
    }
    return seconds / 86_400 + " d " + seconds % 86_400 / 3_600 + " h";
  }

  /** A whole number with thousands separators: {@code 12,500}. */
  public static String count(double value) {
    return String.format(Locale.ROOT, "%,d", Math.round(value));
  }
}
