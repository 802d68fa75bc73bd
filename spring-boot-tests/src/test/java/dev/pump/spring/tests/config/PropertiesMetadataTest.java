package dev.pump.spring.tests.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code pump.*} properties an IDE completes: the metadata the configuration processor
 * generated into the auto-configuration's jar names each group's properties, with a description,
 * and the defaults users read there.
 */
class PropertiesMetadataTest {
  private static final Pattern PROPERTY =
      Pattern.compile("\\{[^{}]*\"name\":\"(pump\\.[^\"]+)\"[^{}]*\\}");

  @Test
  void everyPumpPropertyHasADescriptionAndTheDefaultsAreTheBuilders() throws IOException {
    String metadata = metadata();
    // the properties, not the groups before them or the hints after
    String properties = metadata.substring(metadata.indexOf("\"properties\":["));
    int hints = properties.indexOf("\"hints\":[");
    properties = hints < 0 ? properties : properties.substring(0, hints);
    List<String> names = new ArrayList<>();
    Matcher property = PROPERTY.matcher(properties);
    while (property.find()) {
      names.add(property.group(1));
      if (!property.group(1).equals("pump.endpoints")) {
        assertThat(property.group()).as(property.group(1)).contains("\"description\":\"");
      }
    }

    assertThat(names)
        .contains(
            "pump.enabled",
            "pump.storage.schema",
            "pump.storage.join-spring-transactions",
            "pump.storage.inbox-retention",
            "pump.endpoints",
            "pump.dispatcher.max-batch-bytes",
            "pump.retention.interval",
            "pump.sender.endpoint",
            "pump.shutdown-grace");
    assertThat(metadata)
        .contains("\"name\":\"pump.storage.schema\"")
        .containsPattern("\"name\":\"pump.storage.schema\"[^{}]*\"defaultValue\":\"pump\"")
        .containsPattern("\"name\":\"pump.shutdown-grace\"[^{}]*\"defaultValue\":\"20s\"");
  }

  /** The metadata file of Pump's auto-configuration jar, among those of Boot's own jars. */
  private static String metadata() throws IOException {
    var files =
        PropertiesMetadataTest.class
            .getClassLoader()
            .getResources("META-INF/spring-configuration-metadata.json");
    while (files.hasMoreElements()) {
      try (InputStream in = files.nextElement().openStream()) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("\\s+", "");
        if (text.contains("\"name\":\"pump.enabled\"")) {
          return text;
        }
      }
    }
    throw new AssertionError("no spring-configuration-metadata.json names pump.enabled");
  }
}
