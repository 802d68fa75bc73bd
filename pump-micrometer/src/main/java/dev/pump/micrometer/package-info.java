/** Micrometer metrics for Pump's endpoints, dispatcher, outbox and queues. */
package dev.pump.micrometer;
