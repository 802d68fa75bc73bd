package dev.pump.core;

/**
 * Sends and publishes messages. A handler's {@link Context} is one: its sends wait in the outbox
 * until the handler's transaction commits. The storage's transactional session hands one to code
 * outside handlers, with the same guarantee. {@link Endpoint#withoutOutbox()} is one that sends at
 * once. Thread-safe.
 */
public interface MessageSender {
  /**
   * Sends a command to the queue routed for its type or its nearest routed supertype (see {@code
   * EndpointBuilder.route}).
   *
   * @throws PumpConfigurationException if no route matches the message's type or supertypes
   */
  default void send(Object message) {
    send(message, SendOptions.DEFAULT);
  }

  /** Sends a command to the queue routed for its type, with options. */
  void send(Object message, SendOptions options);

  /**
   * Sends a message to an explicit queue.
   *
   * @throws PumpConfigurationException if {@code destination} is not a valid {@linkplain
   *     dev.pump.core##names name}
   */
  default void send(String destination, Object message) {
    send(destination, message, SendOptions.DEFAULT);
  }

  /** Sends a message to an explicit queue, with options. */
  void send(String destination, Object message, SendOptions options);

  /**
   * Publishes an event to every queue subscribed to its type or any of its supertypes and
   * interfaces; the publisher does not know who they are.
   */
  default void publish(Object event) {
    publish(event, SendOptions.DEFAULT);
  }

  /** Publishes an event, with options. */
  void publish(Object event, SendOptions options);
}
