package dev.pump.core.internal.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.util.Properties;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versions of the Jackson jars a class loader sees, read without loading Jackson's classes:
 * each jar is found by one of its class files and its version read from the jar's {@code
 * pom.properties}, else from its manifest's {@code Implementation-Version}.
 */
record JacksonJars(String databind, String core, String annotations, String annotationsNeeded) {
  static final String ABSENT = "absent";

  private static final Pattern ANNOTATIONS_RANGE =
      Pattern.compile("com\\.fasterxml\\.jackson\\.annotation;version=\"\\[([^,\\]\"]+)");

  static JacksonJars find(ClassLoader loader) {
    String databind = "tools/jackson/databind/ObjectMapper.class";
    return new JacksonJars(
        version(loader, databind, "tools.jackson.core", "jackson-databind"),
        version(
            loader, "tools/jackson/core/JsonParser.class", "tools.jackson.core", "jackson-core"),
        version(
            loader,
            "com/fasterxml/jackson/annotation/JsonProperty.class",
            "com.fasterxml.jackson.core",
            "jackson-annotations"),
        annotationsNeeded(loader, databind));
  }

  /** The three jars and their versions, e.g. {@code tools.jackson.core:jackson-core 3.2.4}. */
  String describe() {
    return "tools.jackson.core:jackson-databind "
        + databind
        + ", tools.jackson.core:jackson-core "
        + core
        + ", com.fasterxml.jackson.core:jackson-annotations "
        + annotations;
  }

  /** What Jackson 3's jackson-databind asks of jackson-annotations, as a sentence. */
  String needs() {
    if (ABSENT.equals(databind)) {
      return "Jackson 3 is not on the class path";
    }
    if (annotationsNeeded == null) {
      return "Jackson 3 (jackson-databind "
          + databind
          + ") needs the jackson-annotations version its pom names";
    }
    return "Jackson 3 (jackson-databind "
        + databind
        + ") needs com.fasterxml.jackson.core:jackson-annotations "
        + annotationsNeeded
        + " or a newer 2.x";
  }

  private static String version(
      ClassLoader loader, String classFile, String groupId, String artifactId) {
    String jar = jarOf(loader, classFile);
    if (jar == null) {
      return ABSENT;
    }
    String version = null;
    try (InputStream in =
        open(jar + "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties")) {
      Properties pom = new Properties();
      pom.load(in);
      version = pom.getProperty("version");
    } catch (IOException | IllegalArgumentException e) {
      // a repackaged jar may have no pom.properties: the manifest is the next best
    }
    if (version == null) {
      Manifest manifest = manifest(jar);
      version =
          manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
    }
    return version != null ? version : "of unknown version";
  }

  /** The lowest jackson-annotations the databind jar's OSGi imports accept, or null. */
  private static String annotationsNeeded(ClassLoader loader, String databindClassFile) {
    String jar = jarOf(loader, databindClassFile);
    Manifest manifest = jar == null ? null : manifest(jar);
    String imports =
        manifest == null ? null : manifest.getMainAttributes().getValue("Import-Package");
    if (imports == null) {
      return null;
    }
    Matcher range = ANNOTATIONS_RANGE.matcher(imports);
    return range.find() ? range.group(1) : null;
  }

  /** The URL of the root of the jar or directory that holds {@code classFile}, or null. */
  private static String jarOf(ClassLoader loader, String classFile) {
    URL url =
        loader == null ? ClassLoader.getSystemResource(classFile) : loader.getResource(classFile);
    if (url == null) {
      return null;
    }
    String location = url.toExternalForm();
    return location.endsWith(classFile)
        ? location.substring(0, location.length() - classFile.length())
        : null;
  }

  private static Manifest manifest(String jar) {
    try (InputStream in = open(jar + "META-INF/MANIFEST.MF")) {
      return new Manifest(in);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static InputStream open(String location) throws IOException {
    URLConnection connection = URI.create(location).toURL().openConnection();
    // a cached jar connection would keep the jar open after this one look
    connection.setUseCaches(false);
    return connection.getInputStream();
  }
}
