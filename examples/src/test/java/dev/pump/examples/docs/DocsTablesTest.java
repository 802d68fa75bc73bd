package dev.pump.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every table of the README and docs/*.md renders: a header, a delimiter row, whole rows. */
class DocsTablesTest {
  @Test
  void everyTableOfTheDocsRenders() {
    List<Path> pages = DocPages.all();

    assertThat(pages).contains(Path.of("README.md"), Path.of("docs", "operations.md"));
    assertThat(pages.stream().flatMap(page -> DocPages.tableProblems(page).stream())).isEmpty();
  }

  @Test
  void aBlankLineInsideATableOrAMissingCellIsAProblem() {
    List<String> page =
        List.of(
            "| a | b |",
            "| --- | --- |",
            "| 1 | 2 |",
            "",
            "| 3 | 4 |",
            "```",
            "| code, not a table |",
            "```",
            "| c | d |",
            "| :-- | --: |",
            "| 5 \\| 6 |");

    assertThat(DocPages.tableProblems("page.md", page))
        .containsExactly(
            "page.md:5: a table row without a header and delimiter row above it (a blank line"
                + " inside a table?): | 3 | 4 |",
            "page.md:11: 1 cells where the table's header has 2: | 5 \\| 6 |");
  }
}
