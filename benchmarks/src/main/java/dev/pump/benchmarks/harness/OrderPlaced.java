package dev.pump.benchmarks.harness;

/**
 * The message every scenario sends: an order id, the line within the transaction, and a payload of
 * {@link Workload#PAYLOAD_CHARS} characters, about 260 bytes of JSON in all.
 */
public record OrderPlaced(long orderId, int line, String payload) {}
