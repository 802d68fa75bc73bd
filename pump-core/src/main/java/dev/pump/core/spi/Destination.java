package dev.pump.core.spi;

import dev.pump.core.internal.shared.Names;
import java.util.List;

/**
 * Where an outgoing message goes: one queue (a send) or a set of topics (a publish). Outgoing
 * messages are grouped by destination, and each group is one call to the transport.
 */
public sealed interface Destination {
  /** Returns the destination for the queue {@code name}, validated. */
  static Destination queue(String name) {
    return new Queue(Names.require("destination", name));
  }

  /** Returns the destination for the topics {@code topics}, most specific first, validated. */
  static Destination topics(List<String> topics) {
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("topics must not be empty");
    }
    topics.forEach(t -> Names.require("topic", t));
    return new Topics(List.copyOf(topics));
  }

  /**
   * A queue: {@link Transport#send} delivers to it.
   *
   * @param name the queue's name
   */
  record Queue(String name) implements Destination {
    @Override
    public String toString() {
      return "queue " + name;
    }
  }

  /**
   * A published message type: {@link Transport#publish} delivers to every queue subscribed to any
   * of the topics.
   *
   * @param topics the message type's topic, then its supertypes' and interfaces'
   */
  record Topics(List<String> topics) implements Destination {
    @Override
    public String toString() {
      return "topics " + topics;
    }
  }
}
