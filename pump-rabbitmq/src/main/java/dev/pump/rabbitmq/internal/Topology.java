package dev.pump.rabbitmq.internal;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import dev.pump.core.spi.TransportException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Declares queues, topic exchanges and bindings: everything durable, everything idempotent.
 *
 * <p><b>Topics.</b> Each topic is a durable fanout exchange named after it (the routing key is
 * unused: the exchange is the topic). A subscription binds the queue to its topic's exchange. A
 * publish of a type whose topics are {@code [T, S1, S2...]} (the type, then its supertypes and
 * interfaces) goes to {@code T}'s exchange only, and {@code T}'s exchange is bound to each {@code
 * Si}'s exchange, declared the first time this transport publishes that type. The broker then
 * delivers a message once to each queue it reaches, however many paths lead there, which is the
 * "once per subscribed queue" the SPI asks for; publishing to every topic's exchange instead would
 * deliver duplicates to a queue subscribed to both a type and its supertype.
 *
 * <p>The bindings go from the type straight to every supertype, not along a chain, because the
 * topic list is a flattened graph (a class and its interfaces): chaining {@code S1 -> S2} could
 * route other subtypes of {@code S1} to an {@code S2} they do not implement. Bindings from a
 * supertype that a type no longer has stay until an operator removes them.
 *
 * <p>When declaration is off, queues are only checked to exist and nothing else is declared.
 * Thread-safe.
 */
final class Topology {
  private final RabbitMqSettings settings;
  private final PublishChannels channels;
  // topic lists whose exchanges and bindings this transport has declared
  private final Set<List<String>> declaredHierarchies = ConcurrentHashMap.newKeySet();

  Topology(RabbitMqSettings settings, PublishChannels channels) {
    this.settings = settings;
    this.channels = channels;
  }

  /** Declares the durable queue (or, with declaration off, checks it exists). */
  void declareQueue(String queue) {
    if (!settings.declareTopology()) {
      channels.withChannel(
          "check that queue " + queue + " exists (topology declaration is off)",
          channel -> channel.queueDeclarePassive(queue));
      return;
    }
    String type = settings.queueType().argument();
    channels.withChannel(
        "declare " + type + " queue " + queue,
        channel -> channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", type)));
  }

  /** Makes sure the exchanges of {@code topics} exist and the first routes to the others. */
  void declareHierarchy(List<String> topics) {
    if (!settings.declareTopology() || declaredHierarchies.contains(topics)) {
      return;
    }
    channels.withChannel(
        "declare the exchanges of topics " + topics,
        channel -> {
          for (String topic : topics) {
            declareExchange(channel, topic);
          }
          String own = topics.get(0);
          for (String supertype : topics.subList(1, topics.size())) {
            channel.exchangeBind(supertype, own, "");
          }
          return null;
        });
    declaredHierarchies.add(List.copyOf(topics));
  }

  /** Forgets what was declared for {@code topics}, so the next publish declares it again. */
  void forget(List<String> topics) {
    declaredHierarchies.remove(topics);
  }

  /** Binds {@code queue} to the exchange of {@code topic}, declaring the exchange. */
  void bind(String topic, String queue) {
    if (!settings.declareTopology()) {
      return;
    }
    channels.withChannel(
        "subscribe queue " + queue + " to topic " + topic,
        channel -> {
          declareExchange(channel, topic);
          return channel.queueBind(queue, topic, "");
        });
  }

  /** Removes the binding of {@code queue} to the exchange of {@code topic}, if any. */
  void unbind(String topic, String queue) {
    if (!settings.declareTopology()) {
      return;
    }
    try {
      channels.withChannel(
          "unsubscribe queue " + queue + " from topic " + topic,
          channel -> channel.queueUnbind(queue, topic, ""));
    } catch (TransportException e) {
      // NOT_FOUND: the exchange or the queue does not exist, so neither does the binding
      if (!PublishChannels.isNotFound(e)) {
        throw e;
      }
    }
  }

  private static void declareExchange(Channel channel, String topic) throws IOException {
    channel.exchangeDeclare(topic, BuiltinExchangeType.FANOUT, true);
  }
}
