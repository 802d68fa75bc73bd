package dev.pump.jdbc.internal.operations;

import dev.pump.jdbc.ErrorQueue;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/** Checks what an operator typed before any of it reaches SQL or a broker. Thread-safe. */
public final class Inputs {
  private Inputs() {}

  /** {@code ids} without repeats, each checked; 1 to {@link ErrorQueue#MAX_LIMIT} of them. */
  public static List<String> messageIds(List<String> ids) {
    Objects.requireNonNull(ids, "messageIds");
    if (ids.isEmpty() || ids.size() > ErrorQueue.MAX_LIMIT) {
      throw new IllegalArgumentException(
          "messageIds must hold 1 to " + ErrorQueue.MAX_LIMIT + " ids, held " + ids.size());
    }
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    for (String id : ids) {
      distinct.add(messageId(id));
    }
    return List.copyOf(distinct);
  }

  /** {@code id} if it can be a message id: 1 to 200 characters without control characters. */
  public static String messageId(String id) {
    if (id == null
        || id.isEmpty()
        || id.length() > 200
        || id.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "a message id must be 1 to 200 characters without control characters, was "
              + (id == null ? "null" : "a text of " + id.length() + " characters"));
    }
    return id;
  }

  /**
   * {@code discardedBy} if it can name who discards: 1 to 200 characters, no control characters.
   */
  public static String operator(String discardedBy) {
    if (discardedBy == null
        || discardedBy.isBlank()
        || discardedBy.length() > 200
        || discardedBy.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "discardedBy must be a user name of 1 to 200 characters without control characters, was "
              + (discardedBy == null ? "null" : "\"" + discardedBy.strip() + "\""));
    }
    return discardedBy;
  }

  /** The row id a PostgreSQL cursor holds; 0 for none. */
  public static long rowCursor(String after) {
    if (after == null) {
      return 0;
    }
    try {
      long id = Long.parseLong(after);
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException(
        "after must be a cursor a listing of this error queue returned (a row id), was \""
            + after
            + "\"");
  }
}
