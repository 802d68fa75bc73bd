package dev.pump.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A table for a terminal: a header row, columns aligned, each cell made safe ({@link SafeText}) and
 * cut to its column's width with an ellipsis. Not thread-safe.
 *
 * <pre>{@code
 * Table table = new Table(out).column("ID", 12).right("ATTEMPTS", 8);
 * table.row("42", "10");
 * table.print();
 * }</pre>
 */
public final class Table {
  private final PrintWriter out;
  private final String ellipsis;
  private final List<String> names = new ArrayList<>();
  private final List<Integer> widths = new ArrayList<>();
  private final List<Boolean> rightAligned = new ArrayList<>();
  private final List<String[]> rows = new ArrayList<>();

  /** A table printed to {@code out}, cutting with {@code ellipsis} ("…", or "..." in ASCII). */
  public Table(PrintWriter out, String ellipsis) {
    this.out = out;
    this.ellipsis = ellipsis;
  }

  /** Adds a left-aligned column of at most {@code maxWidth} characters. */
  public Table column(String name, int maxWidth) {
    return add(name, maxWidth, false);
  }

  /** Adds a right-aligned column (numbers) of at most {@code maxWidth} characters. */
  public Table right(String name, int maxWidth) {
    return add(name, maxWidth, true);
  }

  private Table add(String name, int maxWidth, boolean right) {
    names.add(name);
    widths.add(Math.max(maxWidth, name.length()));
    rightAligned.add(right);
    return this;
  }

  /** Adds a row: one value per column, null shown empty. */
  public Table row(Object... values) {
    if (values.length != names.size()) {
      throw new IllegalArgumentException(
          "a row of " + values.length + " values for " + names.size() + " columns");
    }
    String[] cells = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      cells[i] = cut(SafeText.inline(values[i] == null ? "" : values[i].toString()), widths.get(i));
    }
    rows.add(cells);
    return this;
  }

  /** Prints the header and the rows. */
  public void print() {
    int[] shown = new int[names.size()];
    for (int i = 0; i < shown.length; i++) {
      shown[i] = names.get(i).length();
      for (String[] row : rows) {
        shown[i] = Math.max(shown[i], length(row[i]));
      }
    }
    line(names.toArray(String[]::new), shown);
    rows.forEach(row -> line(row, shown));
    out.flush();
  }

  private void line(String[] cells, int[] shown) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      boolean last = i == cells.length - 1;
      String pad = " ".repeat(shown[i] - length(cells[i]));
      if (rightAligned.get(i)) {
        text.append(pad).append(cells[i]);
      } else {
        text.append(cells[i]);
        if (!last) {
          text.append(pad);
        }
      }
      if (!last) {
        text.append("  ");
      }
    }
    out.println(text.toString().stripTrailing());
  }

  private String cut(String text, int width) {
    if (length(text) <= width) {
      return text;
    }
    int keep = width - ellipsis.length();
    return text.substring(0, text.offsetByCodePoints(0, Math.max(keep, 0))) + ellipsis;
  }

  private static int length(String text) {
    return text.codePointCount(0, text.length());
  }
}
