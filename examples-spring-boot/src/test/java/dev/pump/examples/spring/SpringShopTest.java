package dev.pump.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.testkit.EmbeddedPostgresServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring Boot shop on embedded PostgreSQL, over a real HTTP port: the scripted day ends with
 * exactly-once effects, and the order service's one transaction commits the order with its event or
 * neither.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringShopTest {
  static final EmbeddedPostgresServer postgres =
      EmbeddedPostgresServer.builder().disposable().start();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> postgres.jdbcUrl("postgres"));
    registry.add("spring.datasource.username", postgres::user);
    registry.add("spring.datasource.password", postgres::password);
  }

  @AfterAll
  static void stop() {
    postgres.close();
  }

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired OrderService orders;

  @Test
  void aScriptedDayOverHttpEndsWithExactlyOnceEffects() throws Exception {
    ScriptedLoad.Verdict verdict =
        new ScriptedLoad(URI.create("http://localhost:" + port), jdbc, "day-")
            .play(60, 4, Duration.ofMinutes(2));

    assertThat(verdict.exactlyOnce()).as(verdict.summary()).isTrue();
    assertThat(verdict.placed()).isEqualTo(60 + 5);
    assertThat(verdict.refused()).isEqualTo(ScriptedLoad.BOBS_ORDERS - 5);
  }

  @Test
  void anOrderAndItsEventCommitTogetherOrNeitherExists() {
    long outboxBefore = count("SELECT count(*) FROM pump.outbox");

    assertThat(orders.place("solo-1", "grace", 100)).isTrue();
    assertThat(count("SELECT count(*) FROM shop_order WHERE id = 'solo-1'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM pump.outbox")).isEqualTo(outboxBefore + 1);

    jdbc.update("UPDATE customer SET credit_limit_cents = booked_cents WHERE name = 'grace'");
    assertThatThrownBy(() -> orders.place("solo-2", "grace", 100))
        .isInstanceOf(DataIntegrityViolationException.class);
    assertThat(count("SELECT count(*) FROM shop_order WHERE id = 'solo-2'")).isZero();
    assertThat(count("SELECT count(*) FROM pump.outbox")).isEqualTo(outboxBefore + 1);
    jdbc.update("UPDATE customer SET credit_limit_cents = 100000000 WHERE name = 'grace'");
  }

  private long count(String sql) {
    return jdbc.queryForObject(sql, Long.class);
  }
}
