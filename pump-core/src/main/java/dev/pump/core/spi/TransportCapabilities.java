package dev.pump.core.spi;

import java.time.Duration;

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
 * @param longestSend the longest a send or publish takes before it returns or fails on its own (a
 *     transport that gives up a batch after a timeout and reports an outage then), or zero if the
 *     transport does not bound it. The outbox dispatcher waits longer than this before it abandons
 *     a send, so that an outage is reported as one and not counted against the messages.
 */
public record TransportCapabilities(
    boolean delayedDelivery,
    boolean nativeTopics,
    boolean orderedQueues,
    long maxMessageBytes,
    boolean countsUnreceivedDeliveries,
    Duration longestSend) {

  /** Checks; a null {@code longestSend} is zero. */
  public TransportCapabilities {
    longestSend = longestSend == null ? Duration.ZERO : longestSend;
    if (longestSend.isNegative()) {
      throw new IllegalArgumentException("longestSend must not be negative, was " + longestSend);
    }
  }

  /** Capabilities of a transport that does not bound how long a send may take. */
  public TransportCapabilities(
      boolean delayedDelivery,
      boolean nativeTopics,
      boolean orderedQueues,
      long maxMessageBytes,
      boolean countsUnreceivedDeliveries) {
    this(
        delayedDelivery,
        nativeTopics,
        orderedQueues,
        maxMessageBytes,
        countsUnreceivedDeliveries,
        Duration.ZERO);
  }

  /** Capabilities of a transport whose delivery count counts only what the pump received. */
  public TransportCapabilities(
      boolean delayedDelivery, boolean nativeTopics, boolean orderedQueues, long maxMessageBytes) {
    this(delayedDelivery, nativeTopics, orderedQueues, maxMessageBytes, false);
  }
}
