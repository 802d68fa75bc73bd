package dev.pump.examples.spring;

import dev.pump.testkit.EmbeddedPostgresServer;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The shop on Spring Boot: {@code POST /orders} stores an order through JPA and publishes {@code
 * OrderPlaced} through Pump in one {@code @Transactional} method; billing charges it (JPA) and
 * replies, shipping ships it (JdbcTemplate), orders marks it paid; each handler runs in a Spring
 * transaction with its message's inbox and outbox rows. {@link #main} starts it on embedded
 * PostgreSQL (or the server named by {@code PUMP_JDBC_URL}, {@code PUMP_JDBC_USER}, {@code
 * PUMP_JDBC_PASSWORD}), plays {@link ScriptedLoad} against its own HTTP port, prints the verdict,
 * and exits 0 only for exactly-once effects.
 */
@SpringBootApplication
public class SpringShop {
  private static final Logger log = LoggerFactory.getLogger(SpringShop.class);

  /** Runs the shop, plays the load, prints the verdict; exit code 0 for exactly-once effects. */
  public static void main(String[] args) throws Exception {
    EmbeddedPostgresServer embedded = null;
    Map<String, Object> database = new HashMap<>();
    String url = System.getenv("PUMP_JDBC_URL");
    if (url == null || url.isBlank()) {
      embedded = EmbeddedPostgresServer.builder().disposable().start();
      database.put("spring.datasource.url", embedded.jdbcUrl("postgres"));
      database.put("spring.datasource.username", embedded.user());
      database.put("spring.datasource.password", embedded.password());
    } else {
      database.put("spring.datasource.url", url);
      database.put(
          "spring.datasource.username", System.getenv().getOrDefault("PUMP_JDBC_USER", ""));
      database.put(
          "spring.datasource.password", System.getenv().getOrDefault("PUMP_JDBC_PASSWORD", ""));
    }
    int exit;
    try {
      SpringApplication application = new SpringApplication(SpringShop.class);
      application.setDefaultProperties(database);
      try (ConfigurableApplicationContext context = application.run(args)) {
        String port = context.getEnvironment().getRequiredProperty("local.server.port");
        log.info("The shop listens on http://localhost:{}; playing the day", port);
        ScriptedLoad.Verdict verdict =
            new ScriptedLoad(
                    URI.create("http://localhost:" + port), context.getBean(JdbcTemplate.class), "")
                .play(200, 8, Duration.ofMinutes(2));
        System.out.println();
        System.out.println(verdict.summary());
        exit = verdict.exactlyOnce() ? 0 : 1;
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
    System.exit(exit);
  }
}
