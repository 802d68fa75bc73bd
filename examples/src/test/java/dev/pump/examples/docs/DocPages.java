package dev.pump.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The project's Markdown pages (the README and docs/*.md), read as lines, and their code fences.
 */
public final class DocPages {
  private static final Path ROOT = Path.of("..");

  private DocPages() {}

  /**
   * A fenced code block.
   *
   * @param page the page, relative to the project root
   * @param firstLine the page's line number (from 1) of the block's first content line
   * @param info the fence's info string, e.g. {@code sql}
   * @param lines the content lines
   */
  public record Fence(Path page, int firstLine, String info, List<String> lines) {}

  /** README.md and every docs/*.md, relative to the project root. */
  public static List<Path> all() {
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      List<Path> pages = new ArrayList<>();
      pages.add(Path.of("README.md"));
      docs.filter(p -> p.toString().endsWith(".md"))
          .map(p -> Path.of("docs", p.getFileName().toString()))
          .sorted()
          .forEach(pages::add);
      return pages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The page's lines. */
  public static List<String> lines(Path page) {
    try {
      return Files.readAllLines(ROOT.resolve(page));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The page's fenced code blocks ({@code ```info}), in order. */
  public static List<Fence> fences(Path page) {
    List<String> lines = lines(page);
    List<Fence> fences = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("```")) {
        String info = lines.get(i).substring(3).strip();
        int end = i + 1;
        while (end < lines.size() && !lines.get(end).startsWith("```")) {
          end++;
        }
        fences.add(new Fence(page, i + 2, info, List.copyOf(lines.subList(i + 1, end))));
        i = end;
      }
    }
    return fences;
  }

  /**
   * Where the page's tables would not render: a table (consecutive lines starting with {@code |},
   * outside code fences) must start with a header row and a delimiter row ({@code | --- |}), and
   * every row must have as many cells as the header. A blank line inside a table ends it, so the
   * rows after it become a headless table that renders as plain text.
   *
   * @return one message per problem, with the page and line
   */
  public static List<String> tableProblems(Path page) {
    return tableProblems(page.toString(), lines(page));
  }

  static List<String> tableProblems(String page, List<String> lines) {
    List<String> problems = new ArrayList<>();
    boolean inFence = false;
    int tableStart = -1;
    int columns = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("```")) {
        inFence = !inFence;
        continue;
      }
      boolean row = !inFence && line.startsWith("|");
      if (!row) {
        tableStart = -1;
        continue;
      }
      if (tableStart < 0) {
        tableStart = i;
        columns = cells(line);
        boolean delimiterNext =
            i + 1 < lines.size() && lines.get(i + 1).matches("\\|( *:?-+:? *\\|)+");
        if (!delimiterNext) {
          problems.add(
              page
                  + ":"
                  + (i + 1)
                  + ": a table row without a header and delimiter row above it (a blank line"
                  + " inside a table?): "
                  + line);
        }
      } else if (cells(line) != columns) {
        problems.add(
            page
                + ":"
                + (i + 1)
                + ": "
                + cells(line)
                + " cells where the table's header has "
                + columns
                + ": "
                + line);
      }
    }
    return problems;
  }

  /** Cells of a row: unescaped pipes between the outer ones. */
  private static int cells(String row) {
    int pipes = 0;
    for (int i = 0; i < row.length(); i++) {
      if (row.charAt(i) == '\\') {
        i++;
      } else if (row.charAt(i) == '|') {
        pipes++;
      }
    }
    return row.strip().endsWith("|") ? pipes - 1 : pipes;
  }
}
