/**
 * The RabbitMQ transport for Pump: {@link dev.pump.rabbitmq.RabbitMqTransport}, built with {@link
 * dev.pump.rabbitmq.RabbitMqTransport#builder()}. Everything else in this module is internal.
 */
package dev.pump.rabbitmq;
