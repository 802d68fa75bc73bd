package dev.pump.core.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a queue without taking its messages, and takes only those chosen: what an operator needs to
 * look into an error queue and act on single messages of it. A transport offers one through {@link
 * Transport#browser()}.
 *
 * <p>The promise: a browse loses nothing. Every message the visitor does not {@linkplain
 * Decision#TAKE take} is still in the queue when {@link #browse} returns or throws; one it takes is
 * removed only after the visitor returned for it, so what the visitor did with it first (sent a
 * copy, wrote an audit row) happened before the message left. The order of the messages kept may
 * change where the transport says so. A transport on a log, whose records cannot be removed, may
 * record a take where later browses see it but its receivers do not, and show messages a receiver
 * holds; it says so too (Kafka: browse its error queues, do not receive them). Thread-safe;
 * concurrent browses of one queue each see part of it.
 */
public interface QueueBrowser {
  /**
   * Shows up to {@code max} messages of {@code queue} to {@code visitor}, from the head, in queue
   * order, and removes those it takes.
   *
   * @return how many messages were shown
   * @throws InterruptedException if interrupted; nothing is lost
   * @throws TransportException if the queue cannot be read (nothing is lost); a visitor's exception
   *     is rethrown after every message not yet taken is back
   */
  int browse(String queue, int max, Visitor visitor) throws InterruptedException;

  /** Decides about each message a browse shows. */
  @FunctionalInterface
  interface Visitor {
    /** What to do with {@code message}; it runs on the browsing thread, one message at a time. */
    Decision visit(BrowsedMessage message);
  }

  /** What a visitor decides about one message. */
  enum Decision {
    /** Leave it in the queue and go on. */
    KEEP,
    /** Remove it from the queue (the visitor has done with it what it must) and go on. */
    TAKE,
    /** Leave it, and end the browse. */
    STOP
  }

  /**
   * A message as a browse shows it.
   *
   * @param position its place in this browse: 1 for the head of the queue
   * @param messageId its id
   * @param headers its headers, as a receive would show them
   * @param body its body
   * @param enqueuedAt when it reached the queue, or null if the transport cannot tell
   * @param deliveryCount its deliveries, this one included, as the transport counts them (earlier
   *     browses included, where the transport counts them)
   */
  record BrowsedMessage(
      long position,
      String messageId,
      Map<String, String> headers,
      byte[] body,
      Instant enqueuedAt,
      int deliveryCount) {
    /** Copies the headers. */
    public BrowsedMessage {
      Objects.requireNonNull(messageId, "messageId");
      headers = Map.copyOf(headers);
      Objects.requireNonNull(body, "body");
    }
  }
}
