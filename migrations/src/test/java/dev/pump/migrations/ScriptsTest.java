package dev.pump.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped scripts: their list, their names and Flyway's checksums. */
class ScriptsTest {

  @Test
  void theListNamesEveryScriptInTheFolderOldestFirst() throws IOException, URISyntaxException {
    Path folder = Path.of(Script.class.getResource("/" + Script.LOCATION).toURI());
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(Script.FILE_NAMES);
    }
    assertThat(Script.all())
        .extracting(Script::version)
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, Script.FILE_NAMES.size()).boxed().toList());
  }

  @Test
  void versionAndDescriptionComeFromTheFileNameAsFlywayReadsThem() {
    Script script = Script.load("V2__audit_views.sql");

    assertThat(script.versionText()).isEqualTo("2");
    assertThat(script.description()).isEqualTo("audit views");
    assertThat(script.fileName()).isEqualTo("V2__audit_views.sql");
  }

  @Test
  void aBadlyNamedScriptIsRefused() {
    assertThatThrownBy(() -> Script.of("V1_pump.sql", ""))
        .hasMessageContaining("V<version>__<description>.sql, was V1_pump.sql");
    assertThatThrownBy(() -> Script.of("V0__pump.sql", "")).hasMessageContaining("V0__pump.sql");
  }

  /** The checksums Flyway 13.12 wrote to pump_schema_history for the shipped scripts. */
  @Test
  void checksumsAreTheOnesFlywayWrote() {
    assertThat(Script.all())
        .extracting(Script::checksum)
        .containsExactly(1973536387, -420290336, -1245815492, 95242870, 1264399330, 357757103);
  }

  @Test
  void theChecksumIgnoresLineTerminatorsAndAByteOrderMark() {
    String unix = "CREATE TABLE a (x int);\n\n-- ü\nSELECT 1;\n";

    assertThat(Script.checksum(unix.replace("\n", "\r\n"))).isEqualTo(Script.checksum(unix));
    assertThat(Script.checksum("\uFEFF" + unix)).isEqualTo(Script.checksum(unix));
    assertThat(Script.checksum(unix.replace("ü", "u"))).isNotEqualTo(Script.checksum(unix));
    assertThat(Script.checksum(unix.replace("SELECT", "SELECT ")))
        .isNotEqualTo(Script.checksum(unix));
  }

  @Test
  void theSchemaIsTheOnlyPlaceholderAndIsReplacedEverywhere() {
    for (Script script : Script.all()) {
      String sql = script.sql(SchemaName.of("tenant_7"));

      assertThat(sql).as(script.fileName()).doesNotContain("${").contains("\"tenant_7\".");
    }
  }
}
