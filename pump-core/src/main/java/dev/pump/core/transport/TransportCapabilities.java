package dev.pump.core.transport;

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
 */
public record TransportCapabilities(
    boolean delayedDelivery, boolean nativeTopics, boolean orderedQueues, long maxMessageBytes) {}
