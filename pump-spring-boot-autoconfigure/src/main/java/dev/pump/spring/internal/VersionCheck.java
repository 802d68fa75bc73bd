package dev.pump.spring.internal;

import dev.pump.core.PumpConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Properties;
import org.springframework.boot.SpringBootVersion;

/**
 * Checks, before Pump touches them, that the versions an application's dependency management chose
 * fit together: a mismatch would otherwise surface later as a {@link NoClassDefFoundError} deep in
 * a library. Versions are read from the jars' Maven descriptors, without loading their classes.
 */
public final class VersionCheck {
  private static final String DATABIND =
      "META-INF/maven/tools.jackson.core/jackson-databind/pom.properties";
  private static final String ANNOTATIONS =
      "META-INF/maven/com.fasterxml.jackson.core/jackson-annotations/pom.properties";

  private VersionCheck() {}

  /**
   * Checks that Spring Boot is 3.5 or newer.
   *
   * @throws PumpConfigurationException naming the version found
   */
  public static void checkBoot() {
    String boot = SpringBootVersion.getVersion();
    if (boot != null && compare(boot, "3.5") < 0) {
      throw new PumpConfigurationException(
          "Spring Boot " + boot + " is older than 3.5, the oldest line Pump's starter supports");
    }
  }

  /**
   * Checks that Jackson 3, which Pump's default JSON serializer uses, has the jackson-annotations
   * it needs; Spring Boot 3 manages that jar at its Jackson 2 version, which is older.
   *
   * @throws PumpConfigurationException naming the versions found and the remedies
   */
  public static void checkJackson3(ClassLoader classLoader) {
    String databind = version(classLoader, DATABIND);
    String annotations = version(classLoader, ANNOTATIONS);
    String needed = annotationsFor(databind);
    if (needed != null && annotations != null && compare(annotations, needed) < 0) {
      throw new PumpConfigurationException(
          "Jackson "
              + databind
              + " (tools.jackson.core:jackson-databind, which Pump's default JSON serializer uses)"
              + " needs com.fasterxml.jackson.core:jackson-annotations "
              + needed
              + " or newer, but "
              + annotations
              + " is on the class path (Spring Boot 3 manages it with its Jackson 2 versions):"
              + " add dev.pump:pump-jackson2, so that Pump writes message bodies with the"
              + " application's Jackson 2 ObjectMapper, or manage"
              + " com.fasterxml.jackson.core:jackson-annotations at "
              + needed
              + " in the application's dependencyManagement");
    }
  }

  /** The jackson-annotations a Jackson 3.n release is built with: 2.(20 + n). */
  static String annotationsFor(String databind) {
    if (databind == null || !databind.startsWith("3.")) {
      return null;
    }
    String[] parts = databind.split("\\.");
    try {
      return "2." + (20 + Integer.parseInt(parts[1]));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Compares dotted versions by their numeric parts; a qualifier ("-RC1") is ignored. */
  static int compare(String left, String right) {
    String[] a = left.split("[.-]");
    String[] b = right.split("[.-]");
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      int x = i < a.length ? number(a[i]) : 0;
      int y = i < b.length ? number(b[i]) : 0;
      if (x != y) {
        return Integer.compare(x, y);
      }
    }
    return 0;
  }

  private static int number(String part) {
    try {
      return Integer.parseInt(part);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String version(ClassLoader classLoader, String descriptor) {
    URL url = classLoader.getResource(descriptor);
    if (url == null) {
      return null;
    }
    Properties properties = new Properties();
    try (InputStream in = url.openStream()) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + url, e);
    }
    return properties.getProperty("version");
  }
}
