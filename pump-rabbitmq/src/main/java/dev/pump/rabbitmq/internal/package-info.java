/**
 * The implementation of the RabbitMQ transport. Not supported API: not exported by the module, and
 * free to change in any release.
 */
package dev.pump.rabbitmq.internal;
