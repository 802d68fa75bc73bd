package dev.pump.rabbitmq.internal;

import com.rabbitmq.client.ConnectionFactory;
import dev.pump.rabbitmq.QueueType;
import java.time.Duration;

/**
 * The validated settings of one transport, as {@code RabbitMqTransport.Builder} hands them over.
 * The factory is the transport's own copy, with recovery on.
 *
 * @param factory makes the transport's connections
 * @param connectionName the broker-visible connection name, before its role suffix
 * @param queueType the type of the queues declared
 * @param prefetch unacknowledged deliveries per queue consumer
 * @param declareTopology whether queues, exchanges and bindings are declared
 * @param confirmTimeout the longest wait for one batch's confirms
 * @param maxMessageBytes the largest body accepted
 * @param maxIdlePublishChannels idle publishing channels kept for reuse
 */
public record RabbitMqSettings(
    ConnectionFactory factory,
    String connectionName,
    QueueType queueType,
    int prefetch,
    boolean declareTopology,
    Duration confirmTimeout,
    long maxMessageBytes,
    int maxIdlePublishChannels) {

  /** Where the factory connects, for error messages: host, port and virtual host, no secrets. */
  String brokerAddress() {
    String vhost = factory.getVirtualHost();
    // the empty vhost is a valid name, and a likely mistake: show it, not a blank
    return factory.getHost()
        + ":"
        + factory.getPort()
        + " (vhost "
        + (vhost.isEmpty() ? "\"\"" : vhost)
        + ")";
  }
}
