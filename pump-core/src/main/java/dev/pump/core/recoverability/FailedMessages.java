package dev.pump.core.recoverability;

import dev.pump.core.Headers;
import dev.pump.core.PumpException;
import dev.pump.core.internal.shared.FailureHeaders;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations on an error queue: move a failed message back to the queue it failed in, once the
 * fault is fixed. The message goes back with its body, its id and its original headers; the failure
 * headers and retry counts are removed, so it starts afresh.
 *
 * <p>Works on any transport through the ordinary SPI: it receives the error queue's visible
 * messages one at a time and settles each at once, so it never holds more than one (on the
 * PostgreSQL queue transport, one open transaction). A message it is not asked for, or one without
 * a {@link Headers#FAILED_QUEUE} header, is passed over: moved to the back of the error queue,
 * unchanged (same id, headers and body), because giving it back would put it at the front again.
 *
 * <p>A scan is bounded: it ends when the error queue is empty, when a message id comes round a
 * second time (everything has been seen, or a moved message failed again and was parked anew), or
 * at the first message whose failure time is after the scan began. So {@link #retryAll()} ends even
 * if the fault persists, and moves each message at most once. Thread-safe, but concurrent scans of
 * one error queue each see only part of it.
 */
public final class FailedMessages {
  private static final Logger log = LoggerFactory.getLogger(Loggers.OPERATIONS);

  private final Transport transport;
  private final String errorQueue;
  private final Clock clock;

  private FailedMessages(Transport transport, String errorQueue, Clock clock) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.errorQueue = Names.require("errorQueue", errorQueue);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Returns the operations on the error queue {@code errorQueue} of {@code transport}. */
  public static FailedMessages of(Transport transport, String errorQueue) {
    return of(transport, errorQueue, Clock.systemUTC());
  }

  /**
   * Returns the operations on the error queue {@code errorQueue} of {@code transport}, with the
   * clock the endpoints use to stamp failure times ({@link Headers#TIME_OF_FAILURE}).
   */
  public static FailedMessages of(Transport transport, String errorQueue, Clock clock) {
    return new FailedMessages(transport, errorQueue, clock);
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
   * Moves every failed message that was visible when the call began back to the queue it failed in,
   * each at most once.
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
    Instant scanBegan = clock.instant();
    Set<String> seen = new HashSet<>();
    int moved = 0;
    try {
      while (moved < limit) {
        Optional<ReceivedMessage> next = transport.receive(errorQueue, Duration.ZERO);
        if (next.isEmpty()) {
          break;
        }
        ReceivedMessage message = next.get();
        if (!seen.add(message.messageId()) || failedAfter(message, scanBegan)) {
          giveBack(message); // came round again, or parked after the scan began: the scan is done
          break;
        }
        String origin = message.headers().get(Headers.FAILED_QUEUE);
        if (origin == null || !Names.isValid(origin) || !wanted.test(message)) {
          sendAndComplete(message, errorQueue, passedOver(message));
          continue;
        }
        sendAndComplete(message, origin, restored(message));
        moved++;
        log.info(
            "Moved failed message {} from {} back to {}", message.messageId(), errorQueue, origin);
      }
      return moved;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PumpException(
          "interrupted while retrying messages from " + errorQueue + " after moving " + moved, e);
    }
  }

  private static boolean failedAfter(ReceivedMessage message, Instant scanBegan) {
    String time = message.headers().get(Headers.TIME_OF_FAILURE);
    if (time == null) {
      return false;
    }
    try {
      return Instant.parse(time).isAfter(scanBegan);
    } catch (DateTimeException e) {
      return false;
    }
  }

  // Atomically where the transport can; else send, then complete. If the send fails before any
  // settle call, the message is given back; a failed settle is not followed by another.
  private void sendAndComplete(ReceivedMessage message, String queue, OutgoingMessage copy) {
    boolean settleCalled = true;
    try {
      if (message.completeAndSend(queue, copy)) {
        return;
      }
      settleCalled = false;
      transport.send(queue, List.of(copy));
      settleCalled = true;
      message.complete();
    } catch (RuntimeException e) {
      if (!settleCalled) {
        giveBack(message);
      }
      throw e;
    }
  }

  private void giveBack(ReceivedMessage message) {
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

  private static OutgoingMessage passedOver(ReceivedMessage message) {
    return OutgoingMessage.of(message.messageId(), message.headers(), message.body());
  }

  private static OutgoingMessage restored(ReceivedMessage message) {
    return OutgoingMessage.of(
        message.messageId(), FailureHeaders.restored(message.headers()), message.body());
  }
}
