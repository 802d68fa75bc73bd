package dev.pump.core.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.serialization.JsonSerializer;
import dev.pump.core.spi.Serializer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultSerializerTest {
  @TempDir Path dir;

  @Test
  void theDefaultIsJacksonThreesJsonSerializerWhenItRuns() {
    Serializer serializer = DefaultSerializer.create();

    assertThat(serializer).isInstanceOf(JsonSerializer.class);
    assertThat(serializer.contentType()).isEqualTo("application/json");
  }

  @Test
  void aLinkageErrorBecomesAProblemNamingTheVersionsFoundAndTheRemedies() {
    String problem =
        DefaultSerializer.problem(
            new NoClassDefFoundError("com/fasterxml/jackson/annotation/JsonSerializeAs"),
            DefaultSerializer.class.getClassLoader());

    assertThat(problem)
        .startsWith("endpoint.serializer: ")
        .contains("NoClassDefFoundError: com/fasterxml/jackson/annotation/JsonSerializeAs")
        .containsPattern("tools\\.jackson\\.core:jackson-databind 3\\.\\d+\\.\\d+")
        .containsPattern("tools\\.jackson\\.core:jackson-core 3\\.\\d+\\.\\d+")
        .containsPattern("com\\.fasterxml\\.jackson\\.core:jackson-annotations 2\\.\\d+")
        .containsPattern(
            "Jackson 3 \\(jackson-databind 3[.\\d]+\\) needs"
                + " com\\.fasterxml\\.jackson\\.core:jackson-annotations 2\\.\\d+ or a newer 2\\.x")
        .contains("Jackson2Serializer", "pump-jackson2")
        .contains("align com.fasterxml.jackson.core:jackson-annotations with Jackson 3");
  }

  @Test
  void aJarThatIsMissingIsNamedAbsent() throws IOException {
    try (URLClassLoader nothing = new URLClassLoader(new URL[0], null)) {
      String problem = DefaultSerializer.problem(new NoClassDefFoundError("x"), nothing);

      assertThat(problem)
          .contains(
              "tools.jackson.core:jackson-databind absent, tools.jackson.core:jackson-core absent,"
                  + " com.fasterxml.jackson.core:jackson-annotations absent")
          .contains("Jackson 3 is not on the class path");
    }
  }

  @Test
  void aVersionIsReadFromPomPropertiesElseFromTheManifest() throws IOException {
    Path databind =
        jar(
            "databind.jar",
            "tools/jackson/databind/ObjectMapper.class",
            "tools.jackson.core/jackson-databind",
            "3.9.1",
            manifest(
                "Import-Package", "com.fasterxml.jackson.annotation;version=\"[2.31,3)\",java.io"));
    Path core =
        jar(
            "core.jar",
            "tools/jackson/core/JsonParser.class",
            null,
            null,
            manifest("Implementation-Version", "3.9.0"));
    Path annotations =
        jar(
            "annotations.jar",
            "com/fasterxml/jackson/annotation/JsonProperty.class",
            null,
            null,
            null);

    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {databind.toUri().toURL(), core.toUri().toURL(), annotations.toUri().toURL()},
            null)) {
      String problem = DefaultSerializer.problem(new NoSuchMethodError("m"), loader);

      assertThat(problem)
          .contains("NoSuchMethodError: m")
          .contains(
              "tools.jackson.core:jackson-databind 3.9.1, tools.jackson.core:jackson-core 3.9.0,"
                  + " com.fasterxml.jackson.core:jackson-annotations of unknown version")
          .contains(
              "Jackson 3 (jackson-databind 3.9.1) needs"
                  + " com.fasterxml.jackson.core:jackson-annotations 2.31 or a newer 2.x");
    }
  }

  @Test
  void aDatabindWithoutItsImportsStillNamesItsVersion() throws IOException {
    Path databind =
        jar(
            "databind.jar",
            "tools/jackson/databind/ObjectMapper.class",
            "tools.jackson.core/jackson-databind",
            "3.9.1",
            null);

    try (URLClassLoader loader = new URLClassLoader(new URL[] {databind.toUri().toURL()}, null)) {
      assertThat(DefaultSerializer.problem(new ExceptionInInitializerError(), loader))
          .contains("(ExceptionInInitializerError)")
          .contains(
              "Jackson 3 (jackson-databind 3.9.1) needs the jackson-annotations version its pom"
                  + " names");
    }
  }

  private static Manifest manifest(String attribute, String value) {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue(attribute, value);
    return manifest;
  }

  /** A jar with one (empty) class file, and a pom.properties and a manifest if given. */
  private Path jar(
      String name, String classFile, String groupAndArtifact, String version, Manifest manifest)
      throws IOException {
    Path jar = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream entries =
            manifest == null ? new JarOutputStream(out) : new JarOutputStream(out, manifest)) {
      entries.putNextEntry(new JarEntry(classFile));
      entries.closeEntry();
      if (groupAndArtifact != null) {
        entries.putNextEntry(
            new JarEntry("META-INF/maven/" + groupAndArtifact + "/pom.properties"));
        entries.write(
            ("version=" + version + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        entries.closeEntry();
      }
    }
    return jar;
  }
}
