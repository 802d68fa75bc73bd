package dev.pump.kafka.internal;

/**
 * A record fetched and waiting to be handed out, or handed out.
 *
 * @param ledger its partition's ledger in this owner
 * @param offset its offset
 * @param received what Pump reads of it
 * @param deliveryCount deliveries so far, this coming one included
 */
record Fetched(
    PartitionLedger ledger, long offset, KafkaRecords.Received received, int deliveryCount) {
  /** The same record, to be handed out once more. */
  Fetched again() {
    return new Fetched(ledger, offset, received, deliveryCount + 1);
  }
}
