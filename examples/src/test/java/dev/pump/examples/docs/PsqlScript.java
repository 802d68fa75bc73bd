package dev.pump.examples.docs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What psql does with the SQL of a page, as far as the docs use it: {@code \set} and <code>
 * &#92;unset</code> keep variables for the rest of the page; {@code :'name'}, {@code :"name"} and
 * {@code :name} are replaced by the value as a quoted literal, a quoted identifier or verbatim,
 * except inside quoted strings, quoted identifiers, dollar quotes and comments, and never in a
 * {@code ::} cast; a statement ends at a {@code ;} outside parentheses. What psql would not accept
 * or would do differently is a problem: a variable that no {@code \set} above it defined (psql
 * sends the text unchanged and the server rejects it), a statement without its closing {@code ;}
 * (psql waits for more input), an unterminated quote, or another meta-command.
 *
 * <p>One instance per page: variables carry from one block to the next, as in one psql session.
 */
public final class PsqlScript {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
  private static final Pattern QUOTED_VARIABLE = Pattern.compile(":(['\"])([A-Za-z0-9_]+)\\1");
  private static final Pattern DOLLAR_TAG = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$");

  private final String page;
  private final Map<String, String> variables = new HashMap<>();

  /**
   * A session for one page.
   *
   * @param page how problems name the page, e.g. {@code docs/operations.md}
   */
  public PsqlScript(String page) {
    this.page = page;
  }

  /**
   * One statement as psql would send it.
   *
   * @param line the page's line where it starts
   * @param sql the statement with variables replaced, without its {@code ;}
   */
  public record Statement(int line, String sql) {}

  /**
   * A block read.
   *
   * @param statements its statements, in order
   * @param problems what psql would refuse or do otherwise, each with the page and line
   */
  public record Read(List<Statement> statements, List<String> problems) {}

  /** The value of a variable set so far, or null. */
  public String variable(String name) {
    return variables.get(name);
  }

  /**
   * Reads one block of psql input.
   *
   * @param firstLine the page's line number of the block's first line
   * @param text the block
   */
  public Read read(int firstLine, String text) {
    return new Reader(firstLine, text).read();
  }

  /** A value as psql's {@code :'name'} writes it (PQescapeLiteral). */
  static String literal(String value) {
    String quoted = value.replace("'", "''");
    if (value.indexOf('\\') < 0) {
      return "'" + quoted + "'";
    }
    return " E'" + quoted.replace("\\", "\\\\") + "'";
  }

  /** A value as psql's {@code :"name"} writes it (PQescapeIdentifier). */
  static String identifier(String value) {
    return '"' + value.replace("\"", "\"\"") + '"';
  }

  private final class Reader {
    private final String text;
    private final List<Statement> statements = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final StringBuilder current = new StringBuilder();
    private int line;
    private int statementLine = -1;
    private int depth;
    private int at;

    Reader(int firstLine, String text) {
      this.line = firstLine;
      this.text = text;
    }

    Read read() {
      int dollar;
      while (at < text.length()) {
        char c = text.charAt(at);
        if (Character.isWhitespace(c) && statementLine < 0) {
          skip(1);
        } else if (text.startsWith("--", at)) {
          skip(endOfLine() - at); // psql drops a line comment; it never holds a variable
        } else if (text.startsWith("/*", at)) {
          take(blockComment());
        } else if (c == '\'') {
          take(quoted('\'', at > 0 && "Ee".indexOf(text.charAt(at - 1)) >= 0 && !wordBefore(1)));
        } else if (c == '"') {
          take(quoted('"', false));
        } else if (c == '$' && (dollar = dollarQuote()) > 0) {
          take(dollar);
        } else if (c == ':') {
          variable();
        } else if (c == '\\') {
          metaCommand(text.substring(at, endOfLine()));
          skip(endOfLine() - at);
        } else if (c == ';' && depth == 0) {
          statements.add(new Statement(statementLine, current.toString().strip()));
          current.setLength(0);
          statementLine = -1;
          skip(1);
        } else {
          depth += c == '(' ? 1 : c == ')' ? -1 : 0;
          take(1);
        }
      }
      if (statementLine >= 0 && !current.toString().isBlank()) {
        problems.add(
            where(statementLine)
                + "statement does not end with ';' (psql would wait for more input): "
                + current.toString().strip());
      }
      return new Read(List.copyOf(statements), List.copyOf(problems));
    }

    private void variable() {
      Matcher quoted = QUOTED_VARIABLE.matcher(text).region(at, text.length());
      if (text.startsWith("::", at)) {
        take(2);
      } else if (quoted.lookingAt()) {
        String value = value(quoted.group(2), quoted.group());
        append(
            value == null
                ? quoted.group()
                : quoted.group(1).equals("'") ? literal(value) : identifier(value),
            quoted.end() - at);
      } else {
        Matcher name = NAME.matcher(text).region(at + 1, text.length());
        if (name.lookingAt()) {
          String value = value(name.group(), ":" + name.group());
          append(value == null ? ":" + name.group() : value, name.end() - at);
        } else {
          take(1);
        }
      }
    }

    private String value(String name, String written) {
      String value = variables.get(name);
      if (value == null) {
        problems.add(
            where(line)
                + "psql variable "
                + written
                + " is not set by a \\set above it on the page");
      }
      return value;
    }

    private void metaCommand(String command) {
      String[] words = command.strip().split("\\s+", 2);
      String arguments = words.length > 1 ? words[1] : "";
      switch (words[0]) {
        case "\\set" -> set(arguments);
        case "\\unset" -> variables.remove(arguments.strip());
        default ->
            problems.add(
                where(line) + "psql meta-command " + words[0] + " is not run by the docs test");
      }
    }

    /** {@code \set name value...}: the values, unquoted, joined without spaces, as psql does. */
    private void set(String arguments) {
      List<String> words = new ArrayList<>();
      int i = 0;
      while (i < arguments.length()) {
        char c = arguments.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '\'') {
          StringBuilder word = new StringBuilder();
          i++;
          while (true) {
            if (i >= arguments.length()) {
              problems.add(where(line) + "unterminated quoted string in \\set " + arguments);
              break;
            }
            char d = arguments.charAt(i);
            if (d == '\'' && arguments.startsWith("''", i)) {
              word.append('\'');
              i += 2;
            } else if (d == '\'') {
              i++;
              break;
            } else if (d == '\\' && i + 1 < arguments.length()) {
              char e = arguments.charAt(i + 1);
              word.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
              i += 2;
            } else {
              word.append(d);
              i++;
            }
          }
          words.add(word.toString());
        } else {
          int end = i;
          while (end < arguments.length() && !Character.isWhitespace(arguments.charAt(end))) {
            end++;
          }
          words.add(arguments.substring(i, end));
          i = end;
        }
      }
      if (words.isEmpty()) {
        return;
      }
      if (!NAME.matcher(words.getFirst()).matches()) {
        problems.add(where(line) + "invalid psql variable name in \\set " + arguments);
        return;
      }
      variables.put(words.getFirst(), String.join("", words.subList(1, words.size())));
    }

    private int quoted(char quote, boolean backslashEscapes) {
      int i = at + 1;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (backslashEscapes && c == '\\') {
          i += 2;
        } else if (c == quote && text.startsWith("" + quote + quote, i)) {
          i += 2;
        } else if (c == quote) {
          return i + 1 - at;
        } else {
          i++;
        }
      }
      problems.add(where(line) + "unterminated " + quote + " quote");
      return text.length() - at;
    }

    private int blockComment() {
      int nesting = 0;
      int i = at;
      while (i < text.length()) {
        if (text.startsWith("/*", i)) {
          nesting++;
          i += 2;
        } else if (text.startsWith("*/", i)) {
          i += 2;
          if (--nesting == 0) {
            return i - at;
          }
        } else {
          i++;
        }
      }
      problems.add(where(line) + "unterminated /* comment");
      return text.length() - at;
    }

    /** The length of a dollar-quoted string starting here, or 0 if none starts here. */
    private int dollarQuote() {
      Matcher tag = DOLLAR_TAG.matcher(text).region(at, text.length());
      if (wordBefore(0) || !tag.lookingAt()) {
        return 0;
      }
      int end = text.indexOf(tag.group(), tag.end());
      if (end < 0) {
        problems.add(where(line) + "unterminated dollar quote " + tag.group());
        return text.length() - at;
      }
      return end + tag.group().length() - at;
    }

    /** Whether the character {@code back} places before the current one continues a word. */
    private boolean wordBefore(int back) {
      int i = at - 1 - back;
      return i >= 0 && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_');
    }

    private int endOfLine() {
      int end = text.indexOf('\n', at);
      return end < 0 ? text.length() : end;
    }

    private void take(int length) {
      append(text.substring(at, at + length), length);
    }

    private void append(String written, int consumed) {
      if (statementLine < 0) {
        statementLine = line;
      }
      current.append(written);
      skip(consumed);
    }

    private void skip(int length) {
      for (int i = at; i < at + length; i++) {
        line += text.charAt(i) == '\n' ? 1 : 0;
      }
      at += length;
    }

    private String where(int atLine) {
      return page + ":" + atLine + ": ";
    }
  }
}
