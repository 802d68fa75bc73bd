package dev.pump.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * Finds the RabbitMQ the tests run against, once per JVM, in this order:
 *
 * <ol>
 *   <li>{@code PUMP_TEST_RABBITMQ_URI}, when set (not probed: if it does not answer, tests fail);
 *   <li>{@code amqp://guest:guest@127.0.0.1:5672}, if a broker answers there;
 *   <li>a {@code rabbitmq} container (Testcontainers), when a Docker engine answers;
 *   <li>otherwise none.
 * </ol>
 *
 * Without a broker the tests are skipped, with a message saying how to enable them, unless {@code
 * PUMP_REQUIRE_RABBITMQ=true} (CI sets it), which makes the missing broker a failure.
 */
final class RabbitMqBroker {
  static final String URI_VARIABLE = "PUMP_TEST_RABBITMQ_URI";
  static final String REQUIRE_VARIABLE = "PUMP_REQUIRE_RABBITMQ";
  static final String LOCAL_URI = "amqp://guest:guest@127.0.0.1:5672";

  private static final Object LOCK = new Object();
  private static String resolved;
  private static String problem;

  private RabbitMqBroker() {}

  /** Returns the broker's URI, or skips (or fails, when required) the calling test. */
  static String uri() {
    synchronized (LOCK) {
      if (resolved == null && problem == null) {
        resolve();
      }
    }
    if (resolved != null) {
      return resolved;
    }
    if (Boolean.parseBoolean(System.getenv(REQUIRE_VARIABLE))) {
      throw new AssertionError(problem + " and " + REQUIRE_VARIABLE + "=true requires one");
    }
    Assumptions.abort(problem + "; tests skipped");
    throw new AssertionError("unreachable");
  }

  /** The broker's host, as the URI names it. */
  static String host() {
    return URI.create(uri()).getHost();
  }

  /** The broker's AMQP port, as the URI names it (5672 when it names none). */
  static int port() {
    int port = URI.create(uri()).getPort();
    return port > 0 ? port : 5672;
  }

  /** A new plain client connection to the broker, for the tests' own inspection and cleanup. */
  static Connection connect(String name) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri());
    return factory.newConnection(name);
  }

  private static void resolve() {
    String configured = System.getenv(URI_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      resolved = configured;
      return;
    }
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(LOCAL_URI);
      factory.setConnectionTimeout(2_000);
      factory.newConnection("pump-test-probe").close();
      resolved = LOCAL_URI;
    } catch (Exception e) {
      if (DockerClientFactory.instance().isDockerAvailable()) {
        RabbitMQContainer container = new RabbitMQContainer("rabbitmq:4-management");
        container.start();
        Runtime.getRuntime()
            .addShutdownHook(new Thread(container::stop, "rabbitmq-container-stop"));
        resolved = container.getAmqpUrl().replace("amqp://", "amqp://guest:guest@");
        return;
      }
      problem =
          "no RabbitMQ: "
              + URI_VARIABLE
              + " is not set and nothing answers on "
              + LOCAL_URI
              + " ("
              + e
              + "); set "
              + URI_VARIABLE
              + "=amqp://user:password@host:5672, start RabbitMQ locally, or run a Docker engine"
              + " for Testcontainers";
    }
  }
}
