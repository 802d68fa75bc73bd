package dev.pump.jdbc;

import dev.pump.core.Headers;
import dev.pump.core.internal.shared.Names;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The messages that failed in one place, for an operator: list and filter them, show one whole,
 * retry or discard one, a selection or all of them. The same face over a PostgreSQL error queue
 * ({@link PumpOperations#errorQueue(String)}), the outbox rows the dispatcher parked ({@link
 * PumpOperations#parkedRows()}) and the error queue of another transport, such as RabbitMQ, read
 * without losing its messages ({@link PumpOperations#errorQueue(dev.pump.core.spi.Transport,
 * String)}); the CLI, a console and the Actuator endpoint share it.
 *
 * <p>Nothing is deleted but by {@link #discard}, which keeps the message whole, with who discarded
 * it and when, in the {@code discarded_message} table. Selections report per message id what
 * happened. Thread-safe.
 */
public interface ErrorQueue {
  /** The most messages one call lists, retries or discards: {@value}. */
  int MAX_LIMIT = 1000;

  /** How much of a body {@link Message#bodyPreview()} shows: {@value} bytes. */
  int BODY_PREVIEW_BYTES = 1024;

  /** Its name: the error queue, or {@value PumpOperations#PARKED} for the parked outbox rows. */
  String name();

  /** The first messages matching {@code filter}, oldest first, from its cursor on. */
  Page list(Filter filter);

  /** The first copy of message {@code messageId}, whole, if it is here. */
  Optional<Message> show(String messageId);

  /**
   * Moves the messages {@code messageIds} (every copy) back where they failed: an error queue's to
   * the queue each failed in, without the failure headers; a parked row to its destination, due now
   * with attempts from zero. At most {@value #MAX_LIMIT} ids.
   *
   * @return one outcome per id, in the order given
   */
  List<Outcome> retry(List<String> messageIds);

  /** Retries what {@code filter} lists (its limit bounds it), as {@link #retry(List)}. */
  List<Outcome> retry(Filter filter);

  /**
   * Retries every message here, each at most once, in pages of {@value #MAX_LIMIT}.
   *
   * @return how many were retried
   */
  int retryAll();

  /**
   * Discards the messages {@code messageIds} (every copy): each moves, whole, into the {@code
   * discarded_message} audit table with why it had failed, {@code discardedBy} and the time.
   *
   * @param discardedBy who discards them: 1 to 200 characters without control characters
   * @return one outcome per id, in the order given
   */
  List<Outcome> discard(List<String> messageIds, String discardedBy);

  /**
   * Discards what {@code filter} lists (its limit bounds it), as {@link #discard(List, String)}.
   */
  List<Outcome> discard(Filter filter, String discardedBy);

  /**
   * Which failed messages to list, all criteria together. Build from {@link #all()}: {@code
   * ErrorQueue.Filter.all().reason("unrecoverable").limit(20)}. Each wither checks its value and
   * throws {@link IllegalArgumentException} naming it.
   *
   * @param failedQueue the queue they failed in ({@link Headers#FAILED_QUEUE}; for parked rows, the
   *     destination), or null for any
   * @param reason the failure reason ({@code unrecoverable}, {@code retries-exhausted}, {@code
   *     too-many-deliveries}; {@code parked} for parked rows), or null
   * @param exceptionType the exception's class name, exactly, or null
   * @param from failed at or after, or null
   * @param to failed before, or null
   * @param text text the message id, a header or the body (as UTF-8) contains, case-sensitive, 1 to
   *     200 characters, or null
   * @param limit the most to list: 1 to {@value #MAX_LIMIT}; default 50
   * @param after the cursor of the page before ({@link Page#next()}), or null for the first page
   */
  record Filter(
      String failedQueue,
      String reason,
      String exceptionType,
      Instant from,
      Instant to,
      String text,
      int limit,
      String after) {
    /** The default limit: {@value}. */
    public static final int DEFAULT_LIMIT = 50;

    /** Checks every criterion. */
    public Filter {
      if (failedQueue != null && !Names.isValid(failedQueue)) {
        throw new IllegalArgumentException(Names.problem("failedQueue", failedQueue));
      }
      check("reason", reason);
      check("exceptionType", exceptionType);
      check("text", text);
      check("after", after);
      if (from != null && to != null && !from.isBefore(to)) {
        throw new IllegalArgumentException(
            "from must be before to, was from " + from + " to " + to);
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException(
            "limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
      }
    }

    /** Everything, {@value #DEFAULT_LIMIT} at a time. */
    public static Filter all() {
      return new Filter(null, null, null, null, null, null, DEFAULT_LIMIT, null);
    }

    /** Only those that failed in {@code queue}. */
    public Filter failedQueue(String queue) {
      return new Filter(queue, reason, exceptionType, from, to, text, limit, after);
    }

    /** Only those with this failure reason. */
    public Filter reason(String failureReason) {
      return new Filter(failedQueue, failureReason, exceptionType, from, to, text, limit, after);
    }

    /** Only those whose exception is of this class (its name, exactly). */
    public Filter exceptionType(String type) {
      return new Filter(failedQueue, reason, type, from, to, text, limit, after);
    }

    /** Only those that failed in {@code [from, to)}; either may be null. */
    public Filter failedBetween(Instant failedFrom, Instant failedTo) {
      return new Filter(
          failedQueue, reason, exceptionType, failedFrom, failedTo, text, limit, after);
    }

    /** Only those whose id, a header or the body contains {@code contained}. */
    public Filter containing(String contained) {
      return new Filter(failedQueue, reason, exceptionType, from, to, contained, limit, after);
    }

    /** At most {@code most} of them. */
    public Filter limit(int most) {
      return new Filter(failedQueue, reason, exceptionType, from, to, text, most, after);
    }

    /** The page after the one that returned {@code cursor}. */
    public Filter after(String cursor) {
      return new Filter(failedQueue, reason, exceptionType, from, to, text, limit, cursor);
    }

    private static void check(String name, String value) {
      if (value != null
          && (value.isEmpty()
              || value.length() > 200
              || value.chars().anyMatch(Character::isISOControl))) {
        throw new IllegalArgumentException(
            name
                + " must be 1 to 200 characters without control characters, was a text of "
                + value.length()
                + " characters");
      }
    }
  }

  /**
   * One page of a listing.
   *
   * @param messages the messages, oldest first
   * @param next the cursor of the next page ({@link Filter#after(String)}), or null if this was the
   *     last
   */
  record Page(List<Message> messages, String next) {
    /** Copies the list. */
    public Page {
      messages = List.copyOf(messages);
    }
  }

  /**
   * A failed message, as it waits.
   *
   * @param errorQueue where it waits: the error queue, or {@value PumpOperations#PARKED}
   * @param cursor its place, for {@link Filter#after(String)}: a PostgreSQL row id, or its position
   *     in the broker's queue when it was read
   * @param messageId its id
   * @param failedQueue the queue it failed in, or the parked row's destination; null if unknown
   * @param reason why it was given up on; {@code parked} for a parked row; null if unknown
   * @param exceptionType the failure's exception class, or null
   * @param exceptionMessage the failure's message, or the parked row's last error, or null
   * @param stackTrace the failure's stack trace ({@link Headers#STACK_TRACE}), or null
   * @param failedAt when it failed (the failure header's time, else when it reached the error
   *     queue), or when it was parked; null if unknown
   * @param attempts deliveries of it the transport counted, or the parked row's failed sends
   * @param headers all its headers
   * @param bodyPreview the start of its body, at most {@value #BODY_PREVIEW_BYTES} bytes: as text
   *     if that is valid UTF-8 (cut at a character), else as lower-case hex
   * @param bodyIsText whether {@code bodyPreview} is UTF-8 text rather than hex
   * @param bodyBytes the body's whole size
   */
  record Message(
      String errorQueue,
      String cursor,
      String messageId,
      String failedQueue,
      String reason,
      String exceptionType,
      String exceptionMessage,
      String stackTrace,
      Instant failedAt,
      int attempts,
      Map<String, String> headers,
      String bodyPreview,
      boolean bodyIsText,
      int bodyBytes) {
    /** Copies the headers. */
    public Message {
      headers = Map.copyOf(headers);
    }
  }

  /**
   * What became of one message id of a selection.
   *
   * @param messageId the id
   * @param result what happened
   * @param copies how many copies it happened to (0 unless retried or discarded)
   * @param detail why, when it was not done; else null
   */
  record Outcome(String messageId, Result result, int copies, String detail) {}

  /** What became of one message id. */
  enum Result {
    /** Moved back where it failed. */
    RETRIED,
    /** Moved into the audit table. */
    DISCARDED,
    /** Not here (or being handled by someone else right now). */
    NOT_FOUND,
    /** Here, but could not be moved: see the detail. */
    FAILED
  }
}
