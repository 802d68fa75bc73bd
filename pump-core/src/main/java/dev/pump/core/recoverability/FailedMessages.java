package dev.pump.core.recoverability;

import dev.pump.core.Headers;
import dev.pump.core.Names;
import dev.pump.core.PumpException;
import dev.pump.core.transport.OutgoingMessage;
import dev.pump.core.transport.ReceivedMessage;
import dev.pump.core.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations on an error queue: move a failed message back to the queue it failed in, once the
 * fault is fixed. The message goes back with its body, its id and its original headers; the failure
 * headers and retry counts are removed, so it starts afresh.
 *
 * <p>Works on any transport through the ordinary SPI: it receives the error queue's visible
 * messages, moves the ones asked for, and abandons the rest back (which counts as a delivery for
 * them). Messages without a {@link Headers#FAILED_QUEUE} header are left where they are.
 * Thread-safe, but concurrent scans of one error queue each see only part of it.
 */
public final class FailedMessages {
  private static final Logger log = LoggerFactory.getLogger(FailedMessages.class);

  private final Transport transport;
  private final String errorQueue;

  private FailedMessages(Transport transport, String errorQueue) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.errorQueue = Names.require("errorQueue", errorQueue);
  }

  /** Returns the operations on the error queue {@code errorQueue} of {@code transport}. */
  public static FailedMessages of(Transport transport, String errorQueue) {
    return new FailedMessages(transport, errorQueue);
  }

  /**
   * Moves the failed message with id {@code messageId} back to the queue it failed in.
   *
   * @return whether a message with that id was found and moved
   * @throws PumpException if the scan was interrupted (the interrupt flag is restored) or the
   *     transport failed; nothing is lost either way
   */
  public boolean retry(String messageId) {
    Objects.requireNonNull(messageId, "messageId");
    return move(m -> m.messageId().equals(messageId), 1) == 1;
  }

  /**
   * Moves every visible failed message back to the queue it failed in.
   *
   * @return how many messages were moved
   */
  public int retryAll() {
    return move(m -> true, Integer.MAX_VALUE);
  }

  /** The error queue's name. */
  public String errorQueue() {
    return errorQueue;
  }

  private int move(Predicate<ReceivedMessage> wanted, int limit) {
    List<ReceivedMessage> held = new ArrayList<>();
    int moved = 0;
    try {
      while (moved < limit) {
        Optional<ReceivedMessage> next = transport.receive(errorQueue, Duration.ZERO);
        if (next.isEmpty()) {
          break;
        }
        ReceivedMessage message = next.get();
        // held until moved, so that a failure below gives it back instead of leaving it leased
        held.add(message);
        String origin = message.headers().get(Headers.FAILED_QUEUE);
        if (origin == null || !Names.isValid(origin) || !wanted.test(message)) {
          continue;
        }
        OutgoingMessage restored = restored(message);
        if (!message.completeAndSend(origin, restored)) {
          transport.send(origin, List.of(restored));
          message.complete();
        }
        held.remove(message);
        moved++;
        log.info(
            "Moved failed message {} from {} back to {}", message.messageId(), errorQueue, origin);
      }
      return moved;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PumpException("interrupted while retrying messages from " + errorQueue, e);
    } finally {
      for (ReceivedMessage message : held) {
        try {
          message.abandon(Duration.ZERO);
        } catch (RuntimeException e) {
          log.warn(
              "Could not give message {} back to {}; it returns when its lease expires",
              message.messageId(),
              errorQueue,
              e);
        }
      }
    }
  }

  private static OutgoingMessage restored(ReceivedMessage message) {
    Map<String, String> headers = new LinkedHashMap<>(message.headers());
    headers.keySet().removeIf(h -> h.startsWith(Headers.FAILURE_PREFIX));
    headers.remove(Headers.DELAYED_RETRIES);
    return OutgoingMessage.of(message.messageId(), headers, message.body());
  }
}
