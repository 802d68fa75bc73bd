package dev.pump.jdbc.internal.sql;

import org.jdbi.v3.core.argument.Argument;

/**
 * Binds Java arrays as PostgreSQL arrays, so a whole batch travels as one parameter of one
 * statement ({@code unnest(?::text[], ...)}) instead of one statement per row.
 */
public final class SqlArrays {
  private SqlArrays() {}

  /** A {@code text[]} parameter. */
  public static Argument text(String[] values) {
    return (position, statement, context) ->
        statement.setArray(position, statement.getConnection().createArrayOf("text", values));
  }

  /** A {@code bytea[]} parameter. */
  public static Argument bytea(byte[][] values) {
    return (position, statement, context) ->
        statement.setArray(position, statement.getConnection().createArrayOf("bytea", values));
  }

  /** A {@code bigint[]} parameter. */
  public static Argument bigint(long[] values) {
    Long[] boxed = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return (position, statement, context) ->
        statement.setArray(position, statement.getConnection().createArrayOf("int8", boxed));
  }
}
