package dev.pump.jdbc;

import java.time.Instant;
import java.util.List;

/**
 * The trace of one message, from Pump's tables: which endpoints handled it and when, the messages
 * its handlers sent (and what those caused, level by level), where each went, and where any of them
 * waits now. Read by {@link PumpOperations#trace(String)}; the tables keep what their retention
 * keeps (7 days by default), so an older message shows less.
 *
 * @param messageId the message traced
 * @param handled every inbox row of it and of the messages it caused: endpoint, when, duplicates
 * @param sent the outbox rows it caused, level by level (depth 1: sent while handling it), in the
 *     order they were written
 * @param waiting where any of them is now outside the outbox: a PostgreSQL queue, an error queue,
 *     or the discarded messages
 * @param truncated whether there was more to show than the row bound allowed
 */
public record MessageTrace(
    String messageId,
    List<Handled> handled,
    List<Sent> sent,
    List<Waiting> waiting,
    boolean truncated) {
  /** How many levels of causes a trace follows by default: {@value}. */
  public static final int DEFAULT_DEPTH = 5;

  /** The most levels a trace follows: {@value}. */
  public static final int MAX_DEPTH = 20;

  /** How many sent messages a trace shows by default: {@value}. */
  public static final int DEFAULT_ROWS = 200;

  /** The most sent messages a trace shows: {@value}. */
  public static final int MAX_ROWS = 5000;

  /** Copies the lists. */
  public MessageTrace {
    handled = List.copyOf(handled);
    sent = List.copyOf(sent);
    waiting = List.copyOf(waiting);
  }

  /**
   * Whether the tables know nothing of the message: no inbox row, nothing sent, nothing waiting.
   */
  public boolean isEmpty() {
    return handled.isEmpty() && sent.isEmpty() && waiting.isEmpty();
  }

  /**
   * An endpoint handled a message (its inbox row).
   *
   * @param messageId the message
   * @param endpoint the endpoint
   * @param processedAt when its transaction wrote the row
   * @param duplicates copies skipped since
   * @param lastDuplicateAt when the latest copy came, or null
   */
  public record Handled(
      String messageId,
      String endpoint,
      Instant processedAt,
      int duplicates,
      Instant lastDuplicateAt) {}

  /**
   * A message sent while handling another (its outbox row).
   *
   * @param depth 1 if the traced message caused it, 2 if one of those did, ...
   * @param outboxId the outbox row id
   * @param causationId the message whose handling sent it
   * @param messageId its id
   * @param endpoint the endpoint that sent it
   * @param kind {@code send} or {@code publish}
   * @param destination its queue, or its type's topic for a publish
   * @param messageType its wire name, or null
   * @param state {@code pending}, {@code dispatched} or {@code parked}
   * @param createdAt when it was written
   * @param dispatchedAt when the dispatcher relayed it, or null
   * @param parkedAt when the dispatcher gave up on it, or null
   * @param attempts failed sends
   * @param lastError the last failed send's error, or null
   */
  public record Sent(
      int depth,
      long outboxId,
      String causationId,
      String messageId,
      String endpoint,
      String kind,
      String destination,
      String messageType,
      String state,
      Instant createdAt,
      Instant dispatchedAt,
      Instant parkedAt,
      int attempts,
      String lastError) {}

  /**
   * A message waiting outside the outbox.
   *
   * @param messageId the message
   * @param place {@code queue}, {@code error-queue} or {@code discarded}
   * @param name the queue, the error queue, or where it was discarded from
   * @param since when it got there
   * @param detail the failure reason in an error queue, who discarded it; else null
   */
  public record Waiting(
      String messageId, String place, String name, Instant since, String detail) {}
}
