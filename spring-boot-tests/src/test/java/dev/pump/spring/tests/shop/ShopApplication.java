package dev.pump.spring.tests.shop;

import dev.pump.spring.PumpEndpointCustomizer;
import java.time.Duration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A small Spring Boot shop on JPA, JdbcTemplate and Pump, for the starter's tests. */
@SpringBootApplication
public class ShopApplication {
  /** Lets a receive wait for the rest of a batch, so that batches are deterministic in tests. */
  @Bean
  PumpEndpointCustomizer fillBatches() {
    return (name, builder) -> builder.batchFillWait(Duration.ofMillis(300));
  }
}
