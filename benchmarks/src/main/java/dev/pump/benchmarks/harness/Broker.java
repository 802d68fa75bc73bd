package dev.pump.benchmarks.harness;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/** The benchmark's own errands on the RabbitMQ broker: is it there, purge and delete queues. */
public final class Broker {
  private Broker() {}

  /** Work on a channel. */
  @FunctionalInterface
  public interface ChannelWork {
    void run(Channel channel) throws Exception;
  }

  /** Runs {@code work} on a channel of a short-lived connection to {@code uri}. */
  public static void withChannel(String uri, ChannelWork work) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    try (Connection connection = factory.newConnection("pump-bench-admin");
        Channel channel = connection.createChannel()) {
      work.run(channel);
    }
  }

  /** Whether a broker answers at {@code uri}. */
  public static boolean reachable(String uri) {
    try {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(uri);
      factory.setConnectionTimeout(2_000);
      try (Connection connection = factory.newConnection("pump-bench-probe")) {
        return connection.isOpen();
      }
    } catch (Exception e) {
      return false;
    }
  }
}
