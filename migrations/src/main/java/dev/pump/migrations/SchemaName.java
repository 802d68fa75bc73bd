package dev.pump.migrations;

import dev.pump.core.PumpConfigurationException;
import java.util.regex.Pattern;

/**
 * The name of the PostgreSQL schema that holds Pump's tables, validated once at the boundary.
 *
 * <p>A schema name must be a plain lower-case identifier: {@code [a-z_][a-z0-9_]{0,62}}, not
 * starting with {@code pg_} (reserved by PostgreSQL) and not {@code information_schema}. Anything
 * else (quotes, semicolons, spaces, upper case, Unicode look-alikes, more than 63 characters) is
 * refused with a {@link PumpConfigurationException} naming the value, before any SQL runs. Pump's
 * SQL still writes the name in double quotes, so a valid name that happens to be an SQL keyword
 * ({@code user}, {@code order}) works too.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the validated name
 */
public record SchemaName(String value) {
  /** The schema Pump uses when none is configured: {@value}. */
  public static final String DEFAULT_SCHEMA = "pump";

  private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** The default schema, {@value #DEFAULT_SCHEMA}. */
  public static final SchemaName DEFAULT = new SchemaName(DEFAULT_SCHEMA);

  /**
   * Validates {@code value}.
   *
   * @throws PumpConfigurationException if it is not a plain identifier
   */
  public SchemaName {
    if (value == null) {
      throw new PumpConfigurationException("schema must not be null");
    }
    if (!PLAIN_IDENTIFIER.matcher(value).matches()) {
      throw new PumpConfigurationException(
          "schema must be a plain lower-case identifier matching [a-z_][a-z0-9_]{0,62}, was "
              + printable(value));
    }
    if (value.startsWith("pg_") || value.equals("information_schema")) {
      throw new PumpConfigurationException(
          "schema must not be a PostgreSQL system schema name (pg_*, information_schema), was "
              + printable(value));
    }
  }

  /** Validates and wraps {@code value}; same as the constructor. */
  public static SchemaName of(String value) {
    return new SchemaName(value);
  }

  /** The name in double quotes, ready to put in SQL: {@code "pump"}. */
  public String quoted() {
    return '"' + value + '"';
  }

  /** A table in this schema, quoted: {@code "pump".outbox}. */
  public String table(String table) {
    return quoted() + '.' + table;
  }

  @Override
  public String toString() {
    return value;
  }

  /** Quotes the bad value and escapes control characters so an error message cannot be forged. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder("'");
    int shown = 0;
    for (int i = 0; i < value.length() && shown < 80; i++, shown++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || (c > 0x7e && !Character.isLetterOrDigit(c))) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > 80) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.append('\'').toString();
  }
}
