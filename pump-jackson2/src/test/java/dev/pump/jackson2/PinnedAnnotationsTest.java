package dev.pump.jackson2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import dev.pump.core.Endpoint;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Serializer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Spring Boot 3.5 application's class path: Jackson 3 (through pump-core) beside Jackson 2, with
 * {@code com.fasterxml.jackson.core:jackson-annotations} pinned by Boot's dependency management to
 * its Jackson 2 version, older than Jackson 3 needs. Runs only in the surefire execution {@code
 * boot-3-pinned-annotations}, which puts that jar in place of the one Maven chose.
 */
class PinnedAnnotationsTest {
  public record Ping(String id, Instant at) {}

  @BeforeAll
  static void onTheBoot3ClassPath() {
    String pinned = System.getProperty("pump.test.pinnedAnnotations");
    assumeThat(pinned).as("run by the boot-3-pinned-annotations execution").isNotNull();
    assertThat(JsonProperty.class.getPackage().getImplementationVersion()).isEqualTo(pinned);
    assertThatThrownBy(() -> Class.forName("com.fasterxml.jackson.annotation.JsonSerializeAs"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void anEndpointWithoutASerializerFailsAtBuildNamingTheVersions() {
    try (InMemoryTransport transport = InMemoryTransport.create()) {
      for (int attempt = 1; attempt <= 2; attempt++) {
        // the second build meets Jackson's classes already failed to initialise
        assertThatThrownBy(() -> Endpoint.builder().name("orders").transport(transport).build())
            .isInstanceOf(PumpConfigurationException.class)
            .hasMessageStartingWith("endpoint.serializer: the default JsonSerializer cannot run")
            .hasMessageContaining(
                "com.fasterxml.jackson.core:jackson-annotations "
                    + System.getProperty("pump.test.pinnedAnnotations"))
            .hasMessageMatching(
                "(?s).*tools\\.jackson\\.core:jackson-databind 3\\.\\d+\\.\\d+,"
                    + " tools\\.jackson\\.core:jackson-core 3\\.\\d+\\.\\d+,.*")
            .hasMessageMatching(
                "(?s).*Jackson 3 \\(jackson-databind 3[.\\d]+\\) needs"
                    + " com\\.fasterxml\\.jackson\\.core:jackson-annotations 2\\.\\d+ or a newer"
                    + " 2\\.x.*")
            .hasMessageContaining("Jackson2Serializer")
            .hasCauseInstanceOf(NoClassDefFoundError.class);
      }
    }
  }

  @Test
  void anEndpointOnJackson2BuildsAndHandlesAMessage() {
    assertHandles(Jackson2Serializer.create());
  }

  /** Roughly the mapper Spring Boot 3 configures, as the starter would pass it. */
  @Test
  void anEndpointOnTheApplicationsMapperBuildsAndHandlesAMessage() {
    assertHandles(
        Jackson2Serializer.using(
            JsonMapper.builder()
                .addModules(new JavaTimeModule(), new Jdk8Module(), new ParameterNamesModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build()));
  }

  private static void assertHandles(Serializer serializer) {
    List<Ping> received = new CopyOnWriteArrayList<>();
    try (InMemoryTransport transport = InMemoryTransport.create();
        Endpoint endpoint =
            Endpoint.builder()
                .name("pings")
                .transport(transport)
                .serializer(serializer)
                .recoverability(Recoverability.noRetries())
                .receiveWait(Duration.ofMillis(100))
                .handler(Ping.class, (ping, context) -> received.add(ping))
                .build()) {
      endpoint.start();
      Ping ping = new Ping("p-1", Instant.parse("2026-12-06T10:15:30Z"));

      endpoint.withoutOutbox().send("pings", ping);

      await().until(() -> received.size() == 1);
      assertThat(received).containsExactly(ping);
    }
  }
}
