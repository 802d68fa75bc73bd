package dev.pump.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Java in the README and the guide is code that compiles in this module: every region between
 * {@code // docs:<name>} and {@code // docs:end} must appear in its page, verbatim once its common
 * indentation is removed. Regions named {@code readme-*} belong to the README, {@code ops-*} to
 * docs/operations.md, {@code testing-*} to docs/testing.md, the rest to docs/guide.md. The testing
 * page's regions may also be tests, here and in the Spring Boot example, which run them.
 */
class DocsSnippetsTest {
  private static final List<Path> SOURCES =
      List.of(
          Path.of("src/main/java/dev/pump/examples"),
          Path.of("src/test/java/dev/pump/examples/testing"),
          Path.of("../examples-spring-boot/src/test/java/dev/pump/examples/spring"));
  private static final Path README = Path.of("../README.md");
  private static final Path GUIDE = Path.of("../docs/guide.md");
  private static final Path OPERATIONS = Path.of("../docs/operations.md");
  private static final Path TESTING = Path.of("../docs/testing.md");
  private static final Path KAFKA = Path.of("../docs/kafka.md");

  @Test
  void everyCompiledSnippetIsQuotedVerbatimInItsPage() throws IOException {
    Map<String, String> snippets = snippets();
    String readme = Files.readString(README);
    String guide = Files.readString(GUIDE);
    String operations = Files.readString(OPERATIONS);
    String testing = Files.readString(TESTING);
    String kafka = Files.readString(KAFKA);

    assertThat(snippets)
        .containsKeys(
            "readme-embedding",
            "io-bound",
            "callback",
            "web-session",
            "ops-redrive",
            "testing-unit",
            "testing-flow-class",
            "testing-spring",
            "kafka-builder");
    for (Map.Entry<String, String> snippet : snippets.entrySet()) {
      String name = snippet.getKey();
      String page =
          name.startsWith("readme-")
              ? readme
              : name.startsWith("ops-")
                  ? operations
                  : name.startsWith("testing-")
                      ? testing
                      : name.startsWith("kafka-") ? kafka : guide;
      assertThat(page)
          .as("snippet %s must be quoted verbatim in its page", name)
          .contains(snippet.getValue());
    }
  }

  @Test
  void everyJavaBlockOfTheGuideAndTheOperationsPageIsACompiledSnippet() throws IOException {
    List<String> snippets = List.copyOf(snippets().values());
    for (Path page : List.of(GUIDE, OPERATIONS, TESTING, KAFKA)) {
      List<String> blocks = javaBlocks(Files.readString(page));
      assertThat(blocks).isNotEmpty();
      for (String block : blocks) {
        assertThat(snippets)
            .as("this Java block of %s must be compiled in examples:%n%s", page, block)
            .contains(block);
      }
    }
  }

  private static List<String> javaBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    int from = 0;
    while ((from = markdown.indexOf("```java\n", from)) >= 0) {
      int end = markdown.indexOf("```", from + 8);
      blocks.add(markdown.substring(from + 8, end));
      from = end + 3;
    }
    return blocks;
  }

  static Map<String, String> snippets() throws IOException {
    Map<String, String> snippets = new LinkedHashMap<>();
    for (Path source : SOURCES) {
      snippetsOf(source, snippets);
    }
    return snippets;
  }

  private static void snippetsOf(Path sources, Map<String, String> snippets) throws IOException {
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("// docs:") && !line.equals("// docs:end")) {
            String name = line.substring("// docs:".length());
            int end = i + 1;
            while (!lines.get(end).strip().equals("// docs:end")) {
              end++;
            }
            snippets.put(name, dedent(lines.subList(i + 1, end)));
            i = end;
          }
        }
      }
    }
  }

  private static String dedent(List<String> lines) {
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return text.toString();
  }
}
