package dev.pump.core.internal.pump;

import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Storage;
import dev.pump.core.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a redelivered message's deliveries where Pump can see them, when its transport cannot: a
 * broker that pushes messages ahead of receive (RabbitMQ's prefetch) counts a delivery for every
 * message held by a process that dies, started or not, so a message that kills its process would
 * push the innocent messages prefetched beside it past {@code maxDeliveries} too.
 *
 * <p>A delivery is counted in the storage, committed, when the pump starts a redelivered message
 * (it then runs alone in its process), and the message's delivery count becomes 1 plus that: the
 * first delivery is assumed started. Only redeliveries pay the statement; a first delivery costs
 * nothing. Without a storage, or with a transport that counts only what it handed out, the
 * transport's count stands. Thread-safe.
 */
final class RedeliveryCounter {
  private static final Logger log = LoggerFactory.getLogger(Loggers.ENDPOINT);

  private final String endpoint;
  private final Storage storage; // null when the transport's count stands

  RedeliveryCounter(String endpoint, Transport transport, Storage storage) {
    this.endpoint = endpoint;
    this.storage =
        storage != null && transport.capabilities().countsUnreceivedDeliveries() ? storage : null;
  }

  /**
   * Returns {@code message} with its delivery count as Pump counts it: itself for a first delivery
   * or when the transport's count stands, else a copy whose count comes from the storage and which
   * forgets it once settled for good.
   */
  ReceivedMessage count(ReceivedMessage message) {
    if (storage == null || message.deliveryCount() <= 1) {
      return message;
    }
    int redeliveries;
    try {
      redeliveries = storage.countRedelivery(endpoint, message.messageId());
    } catch (RuntimeException e) {
      // the transport's count errs only towards parking early; refusing to run would loop
      log.warn(
          "Endpoint {}: could not count redelivery of message {} in the storage; the transport's"
              + " count {} stands for this delivery",
          endpoint,
          message.messageId(),
          message.deliveryCount(),
          e);
      return message;
    }
    if (redeliveries < 1) {
      return message; // a storage that does not count
    }
    return new CountedDelivery(message, 1 + redeliveries, this::forget);
  }

  private void forget(String messageId) {
    try {
      storage.forgetRedeliveries(endpoint, messageId);
    } catch (RuntimeException e) {
      log.warn(
          "Endpoint {}: could not forget the redeliveries counted for message {}; the storage's"
              + " retention will",
          endpoint,
          messageId,
          e);
    }
  }
}
