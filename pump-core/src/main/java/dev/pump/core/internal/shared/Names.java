package dev.pump.core.internal.shared;

import dev.pump.core.PumpConfigurationException;
import java.util.regex.Pattern;

/**
 * Validates the names Pump hands to transports and storage: queues, endpoints, destinations and
 * topics.
 *
 * <p>Names travel into broker declarations and SQL, so they are checked once, here, at the
 * boundary, against a deliberately conservative pattern: an ASCII letter or digit followed by up to
 * 199 ASCII letters, digits, {@code .}, {@code _}, {@code :} or {@code -}. Quotes, semicolons,
 * spaces, control characters and Unicode look-alikes are all rejected, so later transports may use
 * a valid name without further escaping. Thread-safe: stateless.
 */
public final class Names {
  /** The maximum length of a name, in characters. */
  public static final int MAX_LENGTH = 200;

  /** The pattern every name must match. */
  public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

  private Names() {}

  /** Returns whether {@code value} is a valid name. {@code null} is not. */
  public static boolean isValid(String value) {
    return value != null && PATTERN.matcher(value).matches();
  }

  /**
   * Returns {@code value} if it is a valid name, and otherwise throws an exception that names the
   * property and the rejected value.
   *
   * @param property what the name is for, as the user configured it, e.g. {@code
   *     "endpoint.inputQueue"}
   * @param value the name to check
   * @return {@code value}, unchanged
   * @throws PumpConfigurationException if the name is {@code null} or does not match {@link
   *     #PATTERN}
   */
  public static String require(String property, String value) {
    String problem = problem(property, value);
    if (problem != null) {
      throw new PumpConfigurationException(problem);
    }
    return value;
  }

  /**
   * Returns a sentence describing why {@code value} is not a valid name, or {@code null} if it is
   * valid. Builders use this to collect every problem before failing.
   */
  public static String problem(String property, String value) {
    if (value == null) {
      return property + " must be set";
    }
    if (!PATTERN.matcher(value).matches()) {
      return property
          + " must be 1 to "
          + MAX_LENGTH
          + " characters of A-Z, a-z, 0-9, '.', '_', ':' or '-', starting with a letter or digit,"
          + " was "
          + quoted(value);
    }
    return null;
  }

  // Shows control characters and non-ASCII look-alikes as escapes, so the error is readable.
  private static String quoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    int shown = Math.min(value.length(), MAX_LENGTH + 20);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (shown < value.length()) {
      out.append("...");
    }
    return out.append('"').toString();
  }
}
