/**
 * Pump's RabbitMQ transport. Exports {@code dev.pump.rabbitmq} only; the implementation in {@code
 * dev.pump.rabbitmq.internal} is not API. Requires the RabbitMQ Java client transitively, because
 * {@link dev.pump.rabbitmq.RabbitMqTransport.Builder#connectionFactory} takes its {@code
 * ConnectionFactory}.
 */
module dev.pump.rabbitmq {
  requires transitive dev.pump.core;
  requires transitive com.rabbitmq.client;

  exports dev.pump.rabbitmq;
}
