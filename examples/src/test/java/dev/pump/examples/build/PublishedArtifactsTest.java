package dev.pump.examples.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BOM lists exactly the published artifacts, at the build's version, without inheriting the
 * parent's third-party versions; each published module builds sources and Javadoc jars; and the
 * README's Maven snippet names real artifacts at the real version.
 */
class PublishedArtifactsTest {
  private static final Path ROOT = Path.of("..");
  private static final List<String> PUBLISHED =
      List.of(
          "pump-core",
          "pump-migrations",
          "pump-outbox-jdbc",
          "pump-rabbitmq",
          "pump-kafka",
          "pump-micrometer",
          "pump-opentelemetry",
          "pump-jackson2",
          "pump-spring-boot-autoconfigure",
          "pump-spring-boot-starter",
          "pump-testkit",
          "pump-test",
          "pump-console",
          "pump-cli");

  @Test
  void theBomManagesEveryPublishedArtifactAtTheBuildsVersionAndNothingElse() throws IOException {
    String bom = Files.readString(ROOT.resolve("pump-bom/pom.xml"));
    String parent = Files.readString(ROOT.resolve("pom.xml"));

    assertThat(bom).doesNotContain("<parent>");
    assertThat(first(bom, "<version>([^<]+)</version>"))
        .isEqualTo(first(parent, "<version>([^<]+)</version>"));
    assertThat(all(bom, "<groupId>([^<]+)</groupId>"))
        .containsOnly("dev.pump", "org.apache.maven.plugins");
    assertThat(managedArtifacts(bom)).containsExactlyElementsOf(PUBLISHED);
  }

  @Test
  void everyPublishedModuleBuildsSourcesAndJavadocJars() throws IOException {
    for (String module :
        List.of(
            "pump-core",
            "migrations",
            "pump-outbox-jdbc",
            "pump-rabbitmq",
            "pump-kafka",
            "pump-micrometer",
            "pump-opentelemetry",
            "pump-jackson2",
            "pump-spring-boot-autoconfigure",
            "pump-spring-boot-starter",
            "pump-testkit",
            "pump-test",
            "pump-console",
            "pump-cli")) {
      String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));

      assertThat(PUBLISHED).contains(first(pom, "</parent>\\s*<artifactId>([^<]+)</artifactId>"));
      assertThat(pom)
          .as(module)
          .contains(
              "<artifactId>maven-source-plugin</artifactId>",
              "<artifactId>maven-javadoc-plugin</artifactId>");
    }
  }

  @Test
  void theReadmesMavenSnippetNamesRealArtifactsAtTheBuildsVersion() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String parent = Files.readString(ROOT.resolve("pom.xml"));
    String snippet = first(readme, "(?s)## Maven dependency.*?```xml\\n(.*?)```");

    assertThat(first(snippet, "<artifactId>pump-bom</artifactId>\\s*<version>([^<]+)</version>"))
        .isEqualTo(first(parent, "<version>([^<]+)</version>"));
    List<String> named = new ArrayList<>(all(snippet, "<artifactId>([^<]+)</artifactId>"));
    named.remove("pump-bom");
    assertThat(named).isNotEmpty();
    assertThat(PUBLISHED).containsAll(named);
    String table = first(readme, "(?s)## Maven dependency.*?```\\n(.*?)\\n\\n");
    assertThat(all(table, "\\| `(pump-[a-z0-9-]+)` "))
        .containsExactlyInAnyOrderElementsOf(PUBLISHED);
  }

  private static List<String> managedArtifacts(String pom) {
    String managed = first(pom, "(?s)<dependencyManagement>(.*)</dependencyManagement>");
    return all(managed, "<artifactId>([^<]+)</artifactId>");
  }

  private static String first(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as("%s in%n%s", regex, text).isTrue();
    return matcher.group(1);
  }

  private static List<String> all(String text, String regex) {
    List<String> found = new ArrayList<>();
    Matcher matcher = Pattern.compile(regex).matcher(text);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }
}
