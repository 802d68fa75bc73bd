package dev.pump.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.examples.spring.Messages.OrderPlaced;
import dev.pump.test.TestPump;
import dev.pump.test.spring.AutoConfigurePumpTest;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Spring Boot shop under Pump's test kit (a fresh database, embedded PostgreSQL by default),
 * over a real HTTP port: the scripted day ends with exactly-once effects once the kit finds the
 * flow idle, and the order service's one transaction commits the order with its event or neither.
 */
// docs:testing-spring-class
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigurePumpTest // a fresh database, the application's endpoints under the kit
class SpringShopTest {
  // docs:end
  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired OrderService orders;

  @Test
  void aScriptedDayOverHttpEndsWithExactlyOnceEffects(TestPump pump) throws Exception {
    ScriptedLoad.Verdict verdict =
        new ScriptedLoad(URI.create("http://localhost:" + port), jdbc, "day-")
            .play(60, 4, placed -> pump.awaitIdle());

    assertThat(verdict.exactlyOnce()).as(verdict.summary()).isTrue();
    assertThat(verdict.placed()).isEqualTo(60 + 5);
    assertThat(verdict.refused()).isEqualTo(ScriptedLoad.BOBS_ORDERS - 5);
    assertThat(pump.errorQueue()).isEmpty();
  }

  // docs:testing-spring
  @Test
  void anOrderAndItsEventCommitTogetherOrNeitherExists(TestPump pump) {
    assertThat(orders.place("solo-1", "grace", 100)).isTrue(); // @Transactional, PumpSender
    pump.awaitIdle(); // billing and shipping handled it, billing's reply too
    assertThat(count("SELECT count(*) FROM shop_order WHERE id = 'solo-1'")).isEqualTo(1);
    assertThat(pump.published(OrderPlaced.class))
        .containsExactly(new OrderPlaced("solo-1", "grace", 100));
    // docs:end

    jdbc.update("UPDATE customer SET credit_limit_cents = booked_cents WHERE name = 'grace'");
    assertThatThrownBy(() -> orders.place("solo-2", "grace", 100))
        .isInstanceOf(DataIntegrityViolationException.class);
    pump.awaitIdle();
    assertThat(count("SELECT count(*) FROM shop_order WHERE id = 'solo-2'")).isZero();
    assertThat(pump.published(OrderPlaced.class))
        .containsExactly(new OrderPlaced("solo-1", "grace", 100));
    jdbc.update("UPDATE customer SET credit_limit_cents = 100000000 WHERE name = 'grace'");
  }

  private long count(String sql) {
    return jdbc.queryForObject(sql, Long.class);
  }
}
