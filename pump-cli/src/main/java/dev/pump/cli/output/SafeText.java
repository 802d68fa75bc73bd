package dev.pump.cli.output;

/**
 * Text from the database made safe for a terminal. Message ids, errors, headers and bodies are
 * whatever producers and exceptions put there, and an escape sequence among them could move the
 * cursor, clear the screen, retitle the window or hide what follows; so every control character
 * (C0, DEL, C1) and every invisible formatting character (bidirectional overrides, zero-width
 * characters) is shown as an escape such as {@code \u001b}, and tabs and line breaks as {@code \t},
 * {@code \r}, {@code \n}. Thread-safe: stateless.
 */
public final class SafeText {
  private SafeText() {}

  /** {@code text} on one line: line breaks escaped too; null as the empty string. */
  public static String inline(String text) {
    return escape(text, false);
  }

  /** {@code text} with its line breaks kept (a stack trace), all else escaped. */
  public static String lines(String text) {
    return escape(text, true);
  }

  private static String escape(String text, boolean keepLineBreaks) {
    if (text == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      int next = i + Character.charCount(c);
      String replacement = unsafe(c, keepLineBreaks);
      if (replacement != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.appendCodePoint(c);
        }
      }
      i = next;
    }
    return out == null ? text : out.toString();
  }

  private static String unsafe(int c, boolean keepLineBreaks) {
    switch (c) {
      case '\n':
        return keepLineBreaks ? null : "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return keepLineBreaks ? null : "\\t";
      default:
        break;
    }
    int type = Character.getType(c);
    if (type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.SURROGATE
        || type == Character.UNASSIGNED
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR) {
      return c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c);
    }
    return null;
  }
}
