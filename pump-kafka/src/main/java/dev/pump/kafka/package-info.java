/**
 * The Kafka transport for Pump: {@link dev.pump.kafka.KafkaTransport}, built with {@link
 * dev.pump.kafka.KafkaTransport#builder()}. Everything else in this module is internal.
 */
package dev.pump.kafka;
