package dev.pump.examples.shop;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Audit queries as an operator runs them in psql: plain SQL over Pump's audit views, with psql
 * variables ({@code :'message_id'}) for the values to look up, and the Pump schema on the search
 * path. Here they run through JDBC: each variable becomes a bound parameter.
 */
public final class AuditQueries {
  private static final Pattern VARIABLE = Pattern.compile(":'([a-z_]+)'");
  private static final Pattern SQL_BLOCK = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL);
  private static final int ROWS_SHOWN = 5;
  private static final int WIDTH = 42;

  private AuditQueries() {}

  /**
   * One query and its title.
   *
   * @param title what it answers
   * @param sql the SQL, with psql variables
   */
  public record Query(String title, String sql) {}

  /** The rows a query returned, each value as text. */
  public record Result(List<String> columns, List<List<String>> rows) {}

  /** The queries the shop example runs, from {@code audit-queries.sql} beside this class. */
  public static List<Query> shopQueries() {
    try (InputStream in = AuditQueries.class.getResourceAsStream("audit-queries.sql")) {
      if (in == null) {
        throw new IllegalStateException("audit-queries.sql is missing from the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Splits a file of queries: each starts with a one-line {@code -- title} right above it; comment
   * paragraphs separated from a query by a blank line are ignored.
   */
  static List<Query> parse(String text) {
    List<Query> queries = new ArrayList<>();
    for (String paragraph : text.split("\\n\\s*\\n")) {
      String[] lines = paragraph.strip().split("\\n", 2);
      if (lines.length == 2 && lines[0].startsWith("-- ") && !lines[1].startsWith("--")) {
        queries.add(new Query(lines[0].substring(3).strip(), lines[1].strip()));
      }
    }
    return queries;
  }

  /** Every fenced {@code ```sql} block of a Markdown page, in order. */
  public static List<String> sqlBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher matcher = SQL_BLOCK.matcher(markdown.replace("\r\n", "\n"));
    while (matcher.find()) {
      blocks.add(matcher.group(1).strip());
    }
    return blocks;
  }

  /** The SQL with runs of white space made one space, to compare queries across files. */
  public static String normalized(String sql) {
    return sql.strip().replaceAll("\\s+", " ");
  }

  /**
   * Runs {@code sql} with the Pump schema {@code schema} first on the search path, binding each
   * psql variable from {@code variables}, in a transaction that is rolled back: a documented query
   * never changes anything, even if it is a statement that would.
   *
   * @throws IllegalArgumentException if a variable has no value
   */
  public static Result run(
      DataSource dataSource, String schema, String sql, Map<String, String> variables)
      throws SQLException {
    List<String> values = new ArrayList<>();
    Matcher matcher = VARIABLE.matcher(sql);
    StringBuilder jdbc = new StringBuilder();
    while (matcher.find()) {
      String value = variables.get(matcher.group(1));
      if (value == null) {
        throw new IllegalArgumentException("no value for :'" + matcher.group(1) + "' in " + sql);
      }
      values.add(value);
      matcher.appendReplacement(jdbc, "?");
    }
    matcher.appendTail(jdbc);
    String statementSql = jdbc.toString().strip();
    if (statementSql.endsWith(";")) {
      statementSql = statementSql.substring(0, statementSql.length() - 1);
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        try (Statement path = connection.createStatement()) {
          // the schema name is the example's constant or a validated test value, never user text
          path.execute("SET LOCAL search_path TO \"" + schema + "\", public");
        }
        try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
          for (int i = 0; i < values.size(); i++) {
            statement.setString(i + 1, values.get(i));
          }
          if (!statement.execute()) {
            return new Result(
                List.of("updated"), List.of(List.of("" + statement.getUpdateCount())));
          }
          try (ResultSet rows = statement.getResultSet()) {
            return read(rows);
          }
        }
      } finally {
        connection.rollback();
      }
    }
  }

  private static Result read(ResultSet rows) throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    List<String> columns = new ArrayList<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      columns.add(meta.getColumnLabel(i));
    }
    List<List<String>> values = new ArrayList<>();
    while (rows.next()) {
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= columns.size(); i++) {
        row.add(String.valueOf(rows.getString(i)));
      }
      values.add(row);
    }
    return new Result(columns, values);
  }

  /** Prints a result as a small text table: at most a few rows, long values cut. */
  static void print(Result result, PrintStream out) {
    if (result.rows().isEmpty()) {
      out.println("     (no rows)");
      return;
    }
    List<List<String>> shown = new ArrayList<>();
    shown.add(result.columns());
    result.rows().stream().limit(ROWS_SHOWN).map(AuditQueries::cut).forEach(shown::add);
    int[] widths = new int[result.columns().size()];
    for (List<String> row : shown) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : shown) {
      StringBuilder line = new StringBuilder("     ");
      for (int i = 0; i < row.size(); i++) {
        line.append(String.format("%-" + widths[i] + "s", row.get(i)));
        if (i < row.size() - 1) {
          line.append(" | ");
        }
      }
      out.println(line.toString().stripTrailing());
    }
    if (result.rows().size() > ROWS_SHOWN) {
      out.printf("     ... %d more rows%n", result.rows().size() - ROWS_SHOWN);
    }
  }

  private static List<String> cut(List<String> row) {
    return row.stream()
        // the middle goes: type names end in what matters, JSON bodies start with it
        .map(v ->
            v.length() <= WIDTH
                ? v
                : v.substring(0, WIDTH / 2 - 2) + "..." + v.substring(v.length() - WIDTH / 2 + 1))
        .toList();
  }
}
