package dev.pump.cli;

import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * The RabbitMQ the CLI's broker tests use: {@code PUMP_TEST_RABBITMQ_URI}, else a broker on
 * 127.0.0.1:5672. Without one a test is skipped, or fails when {@code PUMP_REQUIRE_RABBITMQ=true}
 * (CI sets it).
 */
final class LocalRabbitMq {
  private static final String LOCAL = "amqp://guest:guest@127.0.0.1:5672";

  private LocalRabbitMq() {}

  static String uri() {
    String configured = System.getenv("PUMP_TEST_RABBITMQ_URI");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    ConnectionFactory probe = new ConnectionFactory();
    try {
      probe.setUri(LOCAL);
      probe.setConnectionTimeout(2000);
      probe.newConnection().close();
      return LOCAL;
    } catch (Exception e) {
      String problem = "no RabbitMQ at " + LOCAL + " (" + e + ") and PUMP_TEST_RABBITMQ_URI unset";
      if (Boolean.parseBoolean(System.getenv("PUMP_REQUIRE_RABBITMQ"))) {
        throw new AssertionError(problem + "; PUMP_REQUIRE_RABBITMQ=true requires one", e);
      }
      Assumptions.abort(problem + "; skipped");
      throw new AssertionError("unreachable");
    }
  }
}
