package dev.pump.console.internal;

/**
 * A message field as a page shows it: at most a bounded number of characters, the rest counted in a
 * visible marker, and every control or invisible formatting character (bidirectional overrides,
 * zero-width characters) shown as an escape such as {@code \u202e}, so a field cannot hide or
 * reorder what surrounds it. HTML escaping is the templates' job, not this one's.
 *
 * @param text what is shown
 * @param more how many characters were cut off (0 when none)
 */
public record Clip(String text, int more) {
  /** Ids, names, reasons and types in a list. */
  public static final int SHORT = 120;

  /** A header value, an exception message, an id on its own page. */
  public static final int MEDIUM = 1_000;

  /** A body preview (a 1 KiB preview is at most 2,048 hex digits). */
  public static final int BODY = 4_096;

  /** A stack trace. */
  public static final int LONG = 16_000;

  /** {@code text} on one line, cut to {@code max} characters; null as the empty clip. */
  public static Clip of(String text, int max) {
    return of(text, max, false);
  }

  /**
   * {@code text} with its line breaks and tabs kept (a stack trace, a body), cut to {@code max}.
   */
  public static Clip lines(String text, int max) {
    return of(text, max, true);
  }

  /** Whether something was cut off. */
  public boolean cut() {
    return more > 0;
  }

  private static Clip of(String text, int max, boolean keepLines) {
    if (text == null) {
      return new Clip("", 0);
    }
    int end = text.length() <= max ? text.length() : text.offsetByCodePoints(0, max(text, max));
    String shown = escape(text.substring(0, end), keepLines);
    return new Clip(shown, text.length() - end);
  }

  // how many code points fit in max chars, so a surrogate pair is never split
  private static int max(String text, int max) {
    int points = text.codePointCount(0, max);
    if (Character.isHighSurrogate(text.charAt(max - 1))) {
      points--;
    }
    return points;
  }

  private static String escape(String text, boolean keepLines) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      String replacement = unsafe(c, keepLines);
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
      i += Character.charCount(c);
    }
    return out == null ? text : out.toString();
  }

  private static String unsafe(int c, boolean keepLines) {
    if (c == '\n' || c == '\t') {
      return keepLines ? null : (c == '\n' ? "\\n" : "\\t");
    }
    if (c == '\r') {
      return "\\r";
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
