package dev.pump.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared test broker answers. */
class KafkaBrokerTest {
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theSharedBrokerAnswers() throws Exception {
    try (Admin admin = KafkaBroker.admin()) {
      assertThat(admin.describeCluster().nodes().get(1, TimeUnit.MINUTES)).isNotEmpty();
    }
  }
}
