package dev.pump.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.spi.QueueBrowser;
import dev.pump.core.spi.TransportException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Browses a queue with {@code basic.get} and manual acknowledgements on a channel of its own: each
 * message is held unacknowledged while the visitor looks at it, and one taken is acknowledged at
 * once. A browse reads on to the end of the queue (up to its {@code max}) even after the visitor
 * stopped, then gives everything back with one {@code basic.nack(multiple, requeue)} (closing the
 * channel gives back whatever that could not): a classic queue puts them back where they were, a
 * quorum queue of RabbitMQ 3.x behind what came since, so only a whole read keeps the order. They
 * come back marked redelivered, and a quorum queue before RabbitMQ 4.3 counts each return in {@code
 * x-delivery-count}; so once a message read was returned {@value #REFRESH_AT} times, every message
 * read is published again, a fresh copy in the same order with every property and header but the
 * count, and only then acknowledged, so a delivery limit (20 by default on RabbitMQ 4.0 to 4.2)
 * never drops what operators read. Thread-safe: every browse has its own channel.
 */
final class RabbitMqQueueBrowser implements QueueBrowser {
  /** A kept message whose delivery count reached this is re-published fresh: {@value}. */
  static final int REFRESH_AT = 10;

  private final Connections connections;
  private final RabbitMqSettings settings;

  RabbitMqQueueBrowser(Connections connections, RabbitMqSettings settings) {
    this.connections = connections;
    this.settings = settings;
  }

  @Override
  public int browse(String queue, int max, Visitor visitor) throws InterruptedException {
    Names.require("queue", queue);
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, was " + max);
    }
    String operation = "browse queue " + queue;
    Channel channel = open(operation);
    List<GetResponse> held = new ArrayList<>();
    boolean refresh = false;
    boolean visiting = true;
    int read = 0;
    int shown = 0;
    try {
      while (read < max) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while browsing " + queue);
        }
        GetResponse response = channel.basicGet(queue, false);
        if (response == null) {
          break;
        }
        read++;
        AmqpMessages.Received received =
            AmqpMessages.received(response.getEnvelope(), response.getProps(), response.getBody());
        Decision decision = Decision.KEEP;
        if (visiting) {
          shown++;
          decision =
              visitor.visit(
                  new BrowsedMessage(
                      read,
                      received.messageId(),
                      received.headers(),
                      response.getBody(),
                      timestamp(response.getProps()),
                      received.deliveryCount()));
        }
        if (decision == Decision.TAKE) {
          channel.basicAck(response.getEnvelope().getDeliveryTag(), false);
          continue;
        }
        held.add(response);
        refresh |= received.deliveryCount() > REFRESH_AT;
        // read on to the end without showing: a queue that puts returned messages behind the
        // others (quorum queues before 4.x) keeps its order only if all of them go back
        visiting &= decision != Decision.STOP;
      }
      if (refresh) {
        republish(channel, queue, held);
        held.clear();
      }
      return shown;
    } catch (IOException | TimeoutException e) {
      throw new TransportException(operation + " failed: " + e.getMessage(), e);
    } finally {
      giveBack(channel, held.isEmpty() ? 0 : held.getLast().getEnvelope().getDeliveryTag());
    }
  }

  private Channel open(String operation) {
    try {
      return connections.get(Connections.Role.CONSUME, operation).createChannel();
    } catch (IOException e) {
      throw new TransportException(operation + " failed: cannot open a channel: " + e, e);
    }
  }

  // every message kept, so the order holds: copies first, confirmed, then the originals
  // acknowledged; a failure in between leaves two copies of a message, never none
  private void republish(Channel channel, String queue, List<GetResponse> refresh)
      throws IOException, InterruptedException, TimeoutException {
    if (refresh.isEmpty()) {
      return;
    }
    channel.confirmSelect();
    for (GetResponse response : refresh) {
      channel.basicPublish("", queue, true, withoutCount(response.getProps()), response.getBody());
    }
    channel.waitForConfirmsOrDie(settings.confirmTimeout().toMillis());
    for (GetResponse response : refresh) {
      channel.basicAck(response.getEnvelope().getDeliveryTag(), false);
    }
  }

  private static AMQP.BasicProperties withoutCount(AMQP.BasicProperties properties) {
    if (properties.getHeaders() == null) {
      return properties;
    }
    Map<String, Object> headers = new HashMap<>(properties.getHeaders());
    headers.remove(AmqpMessages.DELIVERY_COUNT);
    return properties.builder().headers(headers).build();
  }

  private static void giveBack(Channel channel, long lastHeld) {
    try {
      if (lastHeld > 0 && channel.isOpen()) {
        channel.basicNack(lastHeld, true, true);
      }
    } catch (IOException | RuntimeException e) {
      // closing the channel below gives them back too
    }
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      // the broker gives back what a closed channel held
    }
  }

  private static Instant timestamp(AMQP.BasicProperties properties) {
    return properties.getTimestamp() == null ? null : properties.getTimestamp().toInstant();
  }
}
