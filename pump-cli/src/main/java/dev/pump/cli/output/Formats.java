package dev.pump.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Times and ages as the tables show them. Thread-safe: stateless. */
public final class Formats {
  private Formats() {}

  /** An instant in UTC to the second, e.g. {@code 2026-12-06T10:15:30Z}; null as empty. */
  public static String instant(Instant instant) {
    return instant == null ? "" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** An age to two units, e.g. {@code 45s}, {@code 5m07s}, {@code 2h03m}, {@code 3d04h}. */
  public static String age(Duration age) {
    if (age == null) {
      return "";
    }
    long seconds = Math.max(0, age.toSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
    if (seconds < 86_400) {
      return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
    return String.format("%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
  }
}
