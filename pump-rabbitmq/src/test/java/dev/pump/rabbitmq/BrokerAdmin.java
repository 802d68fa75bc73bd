package dev.pump.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test's own connection to the broker, outside the transport under test: it hands out unique
 * queue and exchange names, inspects queues, and deletes everything it named when closed, so test
 * runs do not pile up on a shared broker.
 */
final class BrokerAdmin implements AutoCloseable {
  private final Connection connection;
  private final Set<String> queues = ConcurrentHashMap.newKeySet();
  private final Set<String> exchanges = ConcurrentHashMap.newKeySet();

  BrokerAdmin() throws Exception {
    this.connection = RabbitMqBroker.connect("pump-test-admin");
  }

  /** A fresh queue name, deleted at close. */
  String queueName(String prefix) {
    String name = prefix + "-" + UUID.randomUUID();
    queues.add(name);
    return name;
  }

  /** A fresh topic (exchange) name, deleted at close. */
  String topicName(String prefix) {
    String name = "test." + prefix + "-" + UUID.randomUUID();
    exchanges.add(name);
    return name;
  }

  /** Deletes {@code name} at close; for names the test did not get from here. */
  void deleteExchangeLater(String name) {
    exchanges.add(name);
  }

  /** Deletes {@code name} at close; for names the test did not get from here. */
  void deleteQueueLater(String name) {
    queues.add(name);
  }

  /** Messages ready in {@code queue}, not counting those delivered and unacknowledged. */
  long readyMessages(String queue) throws Exception {
    try (Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(queue).getMessageCount();
    }
  }

  /** A new channel on the admin connection; the caller closes it. */
  Channel channel() throws IOException {
    return connection.createChannel();
  }

  private interface Deletion {
    void run(Channel channel) throws IOException;
  }

  // a test may have deleted it already, or never created it: that is fine
  private void delete(Deletion deletion) {
    try {
      Channel channel = connection.createChannel();
      deletion.run(channel);
      channel.abort();
    } catch (IOException | RuntimeException e) {
      // not there: nothing to clean up
    }
  }

  @Override
  public void close() throws IOException {
    try {
      for (String queue : queues) {
        delete(channel -> channel.queueDelete(queue));
      }
      for (String exchange : exchanges) {
        delete(channel -> channel.exchangeDelete(exchange));
      }
    } finally {
      connection.close();
    }
  }
}
