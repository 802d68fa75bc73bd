/**
 * The brokers a fault scenario runs the system under test on, behind one seam ({@link
 * dev.pump.faults.broker.Broker}): PostgreSQL's queue table, RabbitMQ and Kafka. A scenario's
 * script is written once; what differs per broker is what the processes are told and what the
 * harness reads back from the broker where the database cannot show it.
 */
package dev.pump.faults.broker;
