package dev.pump.rabbitmq;

/** The kind of RabbitMQ queue {@link RabbitMqTransport#createQueue(String)} declares. */
public enum QueueType {
  /**
   * A replicated quorum queue: the default, and what RabbitMQ recommends for durable work queues.
   * It counts redeliveries itself ({@code x-delivery-count}), so the received delivery count is
   * exact.
   */
  QUORUM("quorum"),

  /**
   * A classic queue: single node, no replication. It only flags a message as redelivered, so the
   * received delivery count is 1 on the first delivery and 2 on every later one.
   */
  CLASSIC("classic");

  private final String argument;

  QueueType(String argument) {
    this.argument = argument;
  }

  /** The value of the {@code x-queue-type} argument the queue is declared with. */
  public String argument() {
    return argument;
  }
}
