package dev.pump.rabbitmq;

import dev.pump.core.Endpoint;
import dev.pump.core.recoverability.Recoverability;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test's broker admin, a transport under test and at most one endpoint, all closed after each
 * test: the endpoint first, then what the test handed to {@link #closeAfter}, then the transport
 * and the admin.
 */
abstract class BrokerTestSupport {
  private final String connectionName;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  BrokerAdmin admin;
  RabbitMqTransport transport;
  Endpoint endpoint;

  BrokerTestSupport(String connectionName) {
    this.connectionName = connectionName;
  }

  @BeforeEach
  void connect() throws Exception {
    admin = new BrokerAdmin(); // skips (or fails, in CI) here when there is no broker
    transport =
        RabbitMqTransport.builder()
            .uri(RabbitMqBroker.uri())
            .connectionName(connectionName)
            .build();
  }

  @AfterEach
  void closeEverything() throws Exception {
    if (endpoint != null) {
      endpoint.stop(Duration.ofSeconds(5));
    }
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
    if (transport != null) {
      transport.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  /** Closes {@code resource} after the endpoint has stopped, the latest first. */
  <T extends AutoCloseable> T closeAfter(T resource) {
    resources.push(resource);
    return resource;
  }

  /** No retries: a message that fails once goes to {@code errorQueue}. */
  static Recoverability noRetries(String errorQueue) {
    return Recoverability.builder()
        .immediateRetries(0)
        .delayedRetries(0)
        .errorQueue(errorQueue)
        .build();
  }
}
