package dev.pump.spring.tests.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.Context;
import dev.pump.core.Handler;
import dev.pump.spring.PumpSender;
import dev.pump.spring.tests.SpringDatabases;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pump in Spring's lifecycle: it runs once the context is refreshed, and closing the context
 * (Boot's shutdown) lets the message in flight finish within Pump's grace, then stops the
 * dispatcher last, after it relayed what that message sent.
 */
class GracefulShutdownTest {
  private static final TestDatabase DATABASE = SpringDatabases.of(GracefulShutdownTest.class);
  static final CountDownLatch started = new CountDownLatch(1);

  /** A slow piece of work. */
  public record Slow(String id) {}

  /** What the slow work sends when it is done. */
  public record Done(String id) {}

  @Test
  void closingTheContextLetsTheMessageInFlightFinishAndRelaysWhatItSentBeforeTheDispatcherStops()
      throws Exception {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(SlowShop.class)
            .web(WebApplicationType.NONE)
            .properties(
                "spring.datasource.url=" + DATABASE.jdbcUrl(),
                "spring.datasource.username=" + DATABASE.user(),
                "spring.datasource.password=" + DATABASE.password(),
                "spring.application.name=slow",
                "pump.shutdown-grace=10s")
            .run();
    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
    jdbc.execute("CREATE TABLE IF NOT EXISTS finished (id text PRIMARY KEY)");
    PumpSender sender = context.getBean(PumpSender.class);
    new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
        .executeWithoutResult(status -> sender.send("slow", new Slow("s-1")));
    assertThat(started.await(1, TimeUnit.MINUTES)).as("the handler started").isTrue();

    long began = System.nanoTime();
    context.close();
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    assertThat(took).as("within the grace").isLessThan(Duration.ofSeconds(15));
    JdbcTemplate after = new JdbcTemplate(DATABASE.dataSource());
    assertThat(after.queryForObject("SELECT count(*) FROM finished", Long.class))
        .as("the message in flight finished and committed")
        .isEqualTo(1);
    assertThat(
            after.queryForObject(
                "SELECT count(*) FROM pump.queue_message WHERE queue = 'slow'", Long.class))
        .as("and was completed, not given back")
        .isZero();
    assertThat(
            after.queryForObject(
                "SELECT count(*) FROM pump.outbox WHERE destination = 'done'"
                    + " AND dispatched_at IS NOT NULL",
                Long.class))
        .as("what it sent was relayed before the dispatcher stopped")
        .isEqualTo(1);
  }

  /** One endpoint whose handler takes a second, then sends. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class SlowShop {
    @Bean
    Handler<Slow> slowWork(JdbcTemplate jdbc) {
      return (Slow slow, Context context) -> {
        started.countDown();
        Thread.sleep(1000); // the work in flight when the context closes
        jdbc.update("INSERT INTO finished VALUES (?)", slow.id());
        context.send("done", new Done(slow.id()));
      };
    }
  }
}
