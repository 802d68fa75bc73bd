package dev.pump.core.spi;

/**
 * What a transport promises. The endpoint checks them at build time: delayed retries, for example,
 * need {@link #delayedDelivery()}. The contract test suite reads them to decide which promises to
 * check.
 *
 * @param delayedDelivery whether {@link OutgoingMessage#delay()} and delayed abandon are honoured
 * @param nativeTopics whether the broker routes published messages itself (rather than the
 *     transport looking subscribers up in a store)
 * @param orderedQueues whether messages sent to one queue are received by a single consumer in the
 *     order they were sent
 * @param maxMessageBytes the largest body the transport accepts
 * @param countsUnreceivedDeliveries whether {@link ReceivedMessage#deliveryCount()} also counts
 *     deliveries the pump never received: a broker that pushes messages to the process ahead of
 *     {@link Transport#receive} (RabbitMQ's prefetch) counts each push, so a process that dies
 *     charges every message it held. The pump then counts redeliveries itself, in its storage
 *     ({@link dev.pump.core.spi.Storage#countRedelivery}), where it has one.
 */
public record TransportCapabilities(
    boolean delayedDelivery,
    boolean nativeTopics,
    boolean orderedQueues,
    long maxMessageBytes,
    boolean countsUnreceivedDeliveries) {

  /** Capabilities of a transport whose delivery count counts only what the pump received. */
  public TransportCapabilities(
      boolean delayedDelivery, boolean nativeTopics, boolean orderedQueues, long maxMessageBytes) {
    this(delayedDelivery, nativeTopics, orderedQueues, maxMessageBytes, false);
  }
}
