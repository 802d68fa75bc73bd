package dev.pump.migrations;

import dev.pump.core.PumpException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * One versioned SQL script of the Pump schema, named the way Flyway names them: {@code
 * V<version>__<description>.sql}, with {@code ${schema}} standing for the schema.
 *
 * @param version the version, a positive integer, e.g. {@code "2"}
 * @param description the description as the history table records it, e.g. {@code "audit views"}
 * @param fileName the script's file name, e.g. {@code "V2__audit_views.sql"}
 * @param text the script as shipped, placeholder not replaced
 * @param checksum Flyway's checksum of {@code text}
 */
record Script(int version, String description, String fileName, String text, int checksum) {
  /** Where the scripts live on the class path. */
  static final String LOCATION = "META-INF/pump/migrations/postgresql";

  /**
   * Every script, oldest first. An explicit list rather than a scan of {@link #LOCATION}, which is
   * unreliable inside a jar or a module image; {@code ScriptsTest} fails when it and the folder
   * differ.
   */
  static final List<String> FILE_NAMES =
      List.of(
          "V1__pump_schema.sql",
          "V2__audit_views.sql",
          "V3__queue_lease_column.sql",
          "V4__redelivery.sql",
          "V5__partial_causation_index.sql",
          "V6__discarded_message.sql");

  private static final Pattern FILE_NAME = Pattern.compile("V([1-9][0-9]{0,8})__(\\w+)\\.sql");
  private static final String PLACEHOLDER = "${schema}";

  /** The shipped scripts, oldest first. */
  static List<Script> all() {
    return FILE_NAMES.stream().map(Script::load).toList();
  }

  /** Reads the script {@code fileName} from {@link #LOCATION}. */
  static Script load(String fileName) {
    String resource = "/" + LOCATION + "/" + fileName;
    try (InputStream in = Script.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new PumpException("the Pump migration " + resource + " is not on the class path");
      }
      return of(fileName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the Pump migration " + resource + " failed", e);
    }
  }

  /** A script named {@code fileName} with {@code text}. */
  static Script of(String fileName, String text) {
    Matcher name = FILE_NAME.matcher(fileName);
    if (!name.matches()) {
      throw new IllegalArgumentException(
          "a Pump migration must be named V<version>__<description>.sql, was " + fileName);
    }
    return new Script(
        Integer.parseInt(name.group(1)),
        name.group(2).replace('_', ' '),
        fileName,
        text,
        checksum(text));
  }

  /** The version as the history table records it: {@code "2"}. */
  String versionText() {
    return Integer.toString(version);
  }

  /** The SQL to run in {@code schema}: the text with {@code ${schema}} replaced. */
  String sql(SchemaName schema) {
    return text.replace(PLACEHOLDER, schema.value());
  }

  /**
   * Flyway's checksum, so that the history rows Flyway wrote and the ones Pump writes agree: a
   * CRC32 over the script's lines as UTF-8, without their line terminators and without a leading
   * byte-order mark, read as a signed int.
   */
  static int checksum(String text) {
    CRC32 crc = new CRC32();
    String withoutBom = text.startsWith("\uFEFF") ? text.substring(1) : text;
    try (BufferedReader lines = new BufferedReader(new StringReader(withoutBom))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        crc.update(line.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringReader does not fail
    }
    return (int) crc.getValue();
  }
}
