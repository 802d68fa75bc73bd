package dev.pump.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * A test's own connection to the broker, outside the transport under test: it hands out unique
 * queue and exchange names, inspects queues, and deletes everything it named when closed, so test
 * runs do not pile up on a shared broker.
 */
final class BrokerAdmin implements AutoCloseable {
  private final Connection connection;
  private final Set<String> queues = ConcurrentHashMap.newKeySet();
  private final Set<String> exchanges = ConcurrentHashMap.newKeySet();
  private final Set<String> sharedExchanges = ConcurrentHashMap.newKeySet();

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

  /**
   * Deletes {@code name} at close, after this admin's queues, unless it is still the source of a
   * binding: for exchanges named after message types, which every run of a test shares. An exchange
   * another run's queues are still bound to stays.
   */
  void deleteSharedExchangeLater(String name) {
    sharedExchanges.add(name);
  }

  /**
   * Takes a broker-wide lock: an exclusive queue named {@code name} on this admin's connection,
   * which the broker deletes when the connection closes (at {@link #close()}, or when the JVM
   * dies). Another connection declaring it fails with RESOURCE_LOCKED.
   *
   * @return whether the lock is now held by this admin
   */
  boolean tryLock(String name) {
    try {
      Channel channel = connection.createChannel();
      channel.queueDeclare(name, false, true, true, null);
      channel.close();
      return true;
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      return false; // held by another connection: the broker closed the channel
    }
  }

  /** Messages ready in {@code queue}, not counting those delivered and unacknowledged. */
  long readyMessages(String queue) throws Exception {
    try (Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(queue).getMessageCount();
    }
  }

  /** Takes (and acknowledges) every message ready in {@code queue}; returns their message ids. */
  List<String> takeMessageIds(String queue) {
    List<String> ids = new ArrayList<>();
    try (Channel channel = connection.createChannel()) {
      for (GetResponse got = channel.basicGet(queue, true);
          got != null;
          got = channel.basicGet(queue, true)) {
        ids.add(got.getProps().getMessageId());
      }
      return ids;
    } catch (IOException | TimeoutException e) {
      throw new UncheckedIOException(new IOException("cannot take the messages of " + queue, e));
    }
  }

  /**
   * Publishes a message of {@code type} to {@code queue} the way another producer would: raw AMQP,
   * JSON, persistent, with {@code messageId} as the AMQP message id (none when null).
   */
  void publishJson(String queue, String messageId, Class<?> type, String json) throws IOException {
    try (Channel channel = channel()) {
      channel.basicPublish(
          "",
          queue,
          new AMQP.BasicProperties.Builder()
              .messageId(messageId)
              .type(type.getName())
              .contentType("application/json")
              .deliveryMode(2)
              .build(),
          json.getBytes(StandardCharsets.UTF_8));
    } catch (TimeoutException e) {
      throw new IOException("closing the channel timed out", e);
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

  // if-unused refuses while the exchange is the source of a binding, so an exchange bound to a
  // supertype's goes only after that one did: repeat while something went
  private void deleteUnused(Set<String> names) {
    Set<String> left = new HashSet<>(names);
    boolean progress = true;
    while (progress && !left.isEmpty()) {
      progress = false;
      for (String exchange : List.copyOf(left)) {
        if (deleteIfUnused(exchange)) {
          left.remove(exchange);
          progress = true;
        }
      }
    }
  }

  private boolean deleteIfUnused(String exchange) {
    try {
      Channel channel = connection.createChannel();
      channel.exchangeDelete(exchange, true);
      channel.abort();
      return true;
    } catch (IOException | RuntimeException e) {
      return false; // still the source of a binding: in use (a missing exchange deletes fine)
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
      deleteUnused(sharedExchanges);
    } finally {
      connection.close();
    }
  }
}
