package dev.pump.spring.tests.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.spring.autoconfigure.PumpAutoConfiguration;
import dev.pump.spring.tests.BootClasses;
import dev.pump.spring.tests.SpringDatabases;
import dev.pump.testkit.TestDatabase;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** What an application that cannot start with Pump is told, in Spring Boot's own report. */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {
  private static final TestDatabase DATABASE = SpringDatabases.of(StartupFailureTest.class);
  private static final String ANNOTATIONS =
      "META-INF/maven/com.fasterxml.jackson.core/jackson-annotations/pom.properties";

  @Test
  void anInvalidPropertyIsReportedWithPumpsMessageAndTheProperty(CapturedOutput output) {
    SpringApplicationBuilder application =
        new SpringApplicationBuilder(Application.class)
            .web(WebApplicationType.NONE)
            .properties(
                "spring.datasource.url=" + DATABASE.jdbcUrl(),
                "spring.datasource.username=" + DATABASE.user(),
                "spring.datasource.password=" + DATABASE.password(),
                "spring.jpa.hibernate.ddl-auto=none",
                "pump.storage.schema=Not A Schema");

    assertThatThrownBy(application::run).isNotNull();

    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("Pump's configuration is invalid: storage.schema")
        .contains("pump.storage.schema");
  }

  @Test
  void jacksonAnnotationsOlderThanJackson3NeedsFailStartUpNamingBothVersions(@TempDir Path dir)
      throws IOException {
    Path descriptor = dir.resolve(ANNOTATIONS);
    Files.createDirectories(descriptor.getParent());
    Files.writeString(descriptor, "version=2.19.2\n");
    ClassLoader downgraded =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader()) {
          @Override
          public URL getResource(String name) {
            return name.equals(ANNOTATIONS) ? findResource(name) : super.getResource(name);
          }
        };

    new ApplicationContextRunner()
        .withClassLoader(downgraded)
        .withConfiguration(BootClasses.of(BootClasses.DATA_SOURCE))
        .withConfiguration(AutoConfigurations.of(PumpAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + DATABASE.jdbcUrl(),
            "spring.datasource.username=" + DATABASE.user(),
            "spring.datasource.password=" + DATABASE.password())
        .run(context ->
            assertThat(context)
                .hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("Jackson 3.")
                .hasMessageContaining("but 2.19.2 is on the class path")
                .hasMessageContaining("com.fasterxml.jackson.core:jackson-annotations"));
  }

  /** An application with everything on the test class path. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class Application {}
}
