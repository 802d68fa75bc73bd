package dev.pump.faults.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.pump.core.Headers;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.sut.Sut;
import dev.pump.testkit.TcpRelay;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * RabbitMQ: each run's queues carry a prefix of their own and are deleted when the run ends. The
 * harness reads the broker at {@code uri}; the processes reach it at {@code processUri}, which is
 * the same unless a relay stands between them ({@link #through(TcpRelay)}).
 *
 * @param uri the broker's AMQP URI, for the harness
 * @param processUri the URI the processes of the system under test connect to
 */
public record RabbitMq(String uri, String processUri) implements Broker {
  private static final String HARNESS = "pump-faults-harness";

  /** The broker at {@code PUMP_TEST_RABBITMQ_URI}, else the default local one. */
  public static RabbitMq local() {
    String uri = System.getenv("PUMP_TEST_RABBITMQ_URI");
    return at(uri == null || uri.isBlank() ? "amqp://guest:guest@127.0.0.1:5672" : uri.trim());
  }

  /** The broker at {@code uri}, reached there by the harness and the processes alike. */
  public static RabbitMq at(String uri) {
    return new RabbitMq(uri, uri);
  }

  /** True when a broker answers at {@link #uri()}. */
  public boolean answers() {
    try (Connection connection = factory().newConnection("pump-faults-probe")) {
      return connection.isOpen();
    } catch (Exception e) {
      return false;
    }
  }

  /** A new relay to the broker, for a scenario to cut; the caller closes it. */
  public TcpRelay newRelay() throws IOException, URISyntaxException {
    URI target = new URI(uri);
    return new TcpRelay(target.getHost(), target.getPort() < 0 ? 5672 : target.getPort());
  }

  /** This broker with its processes connecting through {@code relay}; the harness does not. */
  public RabbitMq through(TcpRelay relay) throws URISyntaxException {
    return new RabbitMq(uri, relay.uri(uri));
  }

  @Override
  public String name() {
    return "rabbitmq";
  }

  @Override
  public Optional<String> errorQueueFact() {
    return Optional.of("brokerErrorQueue");
  }

  @Override
  public Run begin(String tag) {
    String prefix = tag + Long.toString(System.nanoTime(), 36) + "-";
    return new Run() {
      @Override
      public String prefix() {
        return prefix;
      }

      @Override
      public List<String> processArguments() {
        return List.of("--rabbitmq-uri", processUri, "--queue-prefix", prefix);
      }

      @Override
      public boolean nothingInTransit(Harness harness) throws Exception {
        for (String endpoint : Sut.ENDPOINTS) {
          if (depth(prefix + endpoint) != 0) {
            return false;
          }
        }
        return true;
      }

      @Override
      public long errorQueueDepth(Harness harness) throws Exception {
        return depth(prefix + Sut.ERROR_QUEUE);
      }

      @Override
      public void recordForTheBooks(Harness harness) throws Exception {
        try (Connection connection = factory().newConnection(HARNESS)) {
          // unacknowledged gets, which the broker puts back when the connection closes
          Channel channel = connection.createChannel();
          GetResponse got;
          while ((got = get(channel, prefix + Sut.ERROR_QUEUE)) != null) {
            Object reason = got.getProps().getHeaders().get(Headers.FAILURE_REASON);
            harness.recordBrokerError(got.getProps().getMessageId(), String.valueOf(reason));
          }
        }
        // the broker's bindings: shipping subscribes to OrderPlaced
        harness.recordBrokerSubscription(prefix + "shipping");
      }

      @Override
      public void close() {
        for (String queue : List.of("orders", "billing", "shipping", Sut.ERROR_QUEUE)) {
          try (Connection connection = factory().newConnection(HARNESS)) {
            connection.createChannel().queueDelete(prefix + queue);
          } catch (Exception e) {
            // not there: nothing to remove
          }
        }
      }
    };
  }

  private long depth(String queue) throws Exception {
    // the connection alone is closed: a channel that asked for a missing queue is closed already
    try (Connection connection = factory().newConnection(HARNESS)) {
      try {
        return connection.createChannel().queueDeclarePassive(queue).getMessageCount();
      } catch (IOException e) {
        return 0; // not declared yet
      }
    }
  }

  private static GetResponse get(Channel channel, String queue) throws IOException {
    try {
      return channel.basicGet(queue, false);
    } catch (IOException e) {
      return null; // not declared yet
    }
  }

  private ConnectionFactory factory() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    return factory;
  }
}
