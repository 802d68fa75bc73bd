/**
 * The in-memory transport: queues, topics, delayed delivery and redelivery in one process, on an
 * injectable clock. The reference implementation of the transport contract.
 */
package dev.pump.core.memory;
