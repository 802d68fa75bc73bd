package dev.pump.jdbc.internal.sql;

import java.util.LinkedHashMap;
import java.util.Map;

/** Message headers as the JSON object stored in {@code jsonb} columns. Thread-safe. */
public final class HeadersJson {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private HeadersJson() {}

  /**
   * Writes {@code headers} as a JSON object of strings, as Jackson would (a null value as {@code
   * null}), without going through a generator: this runs for every message sent.
   */
  public static String write(Map<String, String> headers) {
    StringBuilder json = new StringBuilder(32 + headers.size() * 48);
    json.append('{');
    boolean first = true;
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (header.getKey() == null) {
        throw new IllegalArgumentException("a header has a null name");
      }
      if (!first) {
        json.append(',');
      }
      first = false;
      string(json, header.getKey());
      json.append(':');
      if (header.getValue() == null) {
        json.append("null");
      } else {
        string(json, header.getValue());
      }
    }
    return json.append('}').toString();
  }

  /** Appends {@code value} as a JSON string: quotes, backslashes and control characters escaped. */
  private static void string(StringBuilder json, String value) {
    json.append('"');
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      json.append(value, start, i);
      start = i + 1;
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        case '\b' -> json.append("\\b");
        case '\f' -> json.append("\\f");
        default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    json.append(value, start, value.length()).append('"');
  }

  /**
   * Reads a JSON object of strings, strictly: what Jackson's tree reader refuses (a bad escape, an
   * unescaped control character, anything after the object) is refused too, and a name given twice
   * keeps its last value.
   *
   * @throws IllegalArgumentException naming what is wrong if {@code json} is not an object whose
   *     values are all strings
   */
  public static Map<String, String> read(String json) {
    return new Reader(json).headers();
  }

  /** One pass over the text; each problem names the offset where it was found. */
  private static final class Reader {
    private final String json;
    private int at;

    Reader(String json) {
      this.json = json;
    }

    Map<String, String> headers() {
      skipWhitespace();
      if (at == json.length()) {
        throw new IllegalArgumentException("headers must be a JSON object of strings, was empty");
      }
      if (json.charAt(at) != '{') {
        throw new IllegalArgumentException(
            "headers must be a JSON object of strings, was " + kindOfValue());
      }
      at++;
      Map<String, String> headers = new LinkedHashMap<>();
      skipWhitespace();
      if (peek() == '}') {
        at++;
      } else {
        while (true) {
          expect('"', "a header name", null);
          String name = string();
          skipWhitespace();
          expect(':', "':'", name);
          skipWhitespace();
          if (peek() != '"') {
            throw new IllegalArgumentException(
                "header " + name + " must be a string, was " + kindOfValue());
          }
          at++;
          headers.put(name, string());
          skipWhitespace();
          if (peek() == ',') {
            at++;
            skipWhitespace();
          } else {
            expect('}', "',' or '}'", name);
            break;
          }
        }
      }
      skipWhitespace();
      if (at < json.length()) {
        throw invalid("unexpected " + describe(json.charAt(at)) + " after the object");
      }
      return headers;
    }

    /** The rest of a string whose opening quote was read, escapes decoded. */
    private String string() {
      StringBuilder value = null;
      int start = at;
      while (true) {
        if (at == json.length()) {
          throw invalid("unterminated string");
        }
        char c = json.charAt(at);
        if (c == '"') {
          String tail = json.substring(start, at++);
          return value == null ? tail : value.append(tail).toString();
        }
        if (c < 0x20) {
          throw invalid("unescaped control character " + describe(c) + " in a string");
        }
        if (c != '\\') {
          at++;
          continue;
        }
        if (value == null) {
          value = new StringBuilder(at - start + 16);
        }
        value.append(json, start, at);
        at++;
        value.append(escaped());
        start = at;
      }
    }

    /** The character an escape stands for; {@code at} is just past its backslash. */
    private char escaped() {
      if (at == json.length()) {
        throw invalid("unterminated string");
      }
      char c = json.charAt(at++);
      return switch (c) {
        case '"', '\\', '/' -> c;
        case 'b' -> '\b';
        case 'f' -> '\f';
        case 'n' -> '\n';
        case 'r' -> '\r';
        case 't' -> '\t';
        case 'u' -> unicode();
        default -> throw invalid(at - 1, "unknown escape " + describe(c) + " after a backslash");
      };
    }

    /**
     * The UTF-16 unit of a four-hex-digit escape, {@code at} just past its {@code u}; a surrogate
     * pair is two such escapes in a row, each giving its half.
     */
    private char unicode() {
      if (at + 4 > json.length()) {
        throw invalid("unterminated \\u escape");
      }
      int unit = 0;
      for (int end = at + 4; at < end; at++) {
        char c = json.charAt(at);
        // ASCII only: Character.digit would also take other scripts' digits
        int digit =
            c >= '0' && c <= '9'
                ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0) {
          throw invalid("\\u escape needs 4 hex digits, found " + describe(c));
        }
        unit = unit << 4 | digit;
      }
      return (char) unit;
    }

    /** Names the JSON type of the value starting at {@code at}, as Jackson's node types do. */
    private String kindOfValue() {
      char c = peek();
      return switch (c) {
        case '{' -> "OBJECT";
        case '[' -> "ARRAY";
        case '"' -> "STRING";
        case 't', 'f' -> literal(c == 't' ? "true" : "false", "BOOLEAN");
        case 'n' -> literal("null", "NULL");
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield "NUMBER";
          }
          throw invalid(at == json.length() ? "unexpected end" : "unexpected " + describe(c));
        }
      };
    }

    private String literal(String word, String kind) {
      if (!json.startsWith(word, at)) {
        throw invalid("unexpected " + describe(json.charAt(at)));
      }
      return kind;
    }

    /** Steps over {@code c}, else names what was expected there, after which header if any. */
    private void expect(char c, String what, String afterHeader) {
      if (peek() != c) {
        throw invalid(
            "expected "
                + what
                + (afterHeader == null ? "" : " after header " + afterHeader)
                + ", found "
                + (at == json.length() ? "the end" : describe(json.charAt(at))));
      }
      at++;
    }

    /** The character at {@code at}, or 0 at the end (never valid where it is looked for). */
    private char peek() {
      return at < json.length() ? json.charAt(at) : 0;
    }

    private void skipWhitespace() {
      while (at < json.length()) {
        char c = json.charAt(at);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        at++;
      }
    }

    private IllegalArgumentException invalid(String problem) {
      return invalid(at, problem);
    }

    private static IllegalArgumentException invalid(int offset, String problem) {
      return new IllegalArgumentException(
          "headers are not valid JSON: " + problem + " at offset " + offset);
    }

    private static String describe(char c) {
      return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
  }
}
