/** The RabbitMQ transport for Pump. */
package dev.pump.rabbitmq;
