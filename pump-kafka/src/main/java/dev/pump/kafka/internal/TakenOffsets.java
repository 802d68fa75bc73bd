package dev.pump.kafka.internal;

import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * What a browse took from one partition of a queue that is browsed rather than received (an error
 * queue): Kafka cannot delete one record, so the queue's consumer group keeps it. Its committed
 * offset passes the taken records at the head, and its metadata lists the taken ones above it
 * ({@code pump:taken=5,7-9}), which later browses pass over. Not thread-safe.
 */
final class TakenOffsets {
  private static final String PREFIX = "pump:taken=";
  // Kafka's default offset.metadata.max.bytes is 4096
  private static final int MAX_METADATA = 4000;

  private final TreeSet<Long> taken = new TreeSet<>();
  private long start;

  /** What the group committed, or null: the queue starts at {@code earliest}. */
  TakenOffsets(OffsetAndMetadata committed, long earliest) {
    start = committed == null ? earliest : Math.max(committed.offset(), earliest);
    String metadata = committed == null ? null : committed.metadata();
    if (metadata != null && metadata.startsWith(PREFIX)) {
      for (String range : metadata.substring(PREFIX.length()).split(",")) {
        if (range.isEmpty()) {
          continue;
        }
        try {
          int dash = range.indexOf('-');
          long from = Long.parseLong(dash < 0 ? range : range.substring(0, dash));
          long to = dash < 0 ? from : Long.parseLong(range.substring(dash + 1));
          for (long offset = Math.max(from, start); offset <= to; offset++) {
            taken.add(offset);
          }
        } catch (NumberFormatException e) {
          // someone else's metadata: nothing taken is known
        }
      }
    }
  }

  /** Where the queue's records start. */
  long start() {
    return start;
  }

  boolean isTaken(long offset) {
    return offset < start || taken.contains(offset);
  }

  void take(long offset) {
    taken.add(offset);
  }

  /**
   * The offset and metadata to commit: past every taken record at the head, listing the rest; if
   * the list does not fit Kafka's metadata, the highest taken are left out (they show again, never
   * lost).
   */
  OffsetAndMetadata toCommit() {
    while (taken.contains(start)) {
      taken.remove(start);
      start++;
    }
    taken.headSet(start).clear();
    StringBuilder metadata = new StringBuilder(PREFIX);
    Long from = null;
    long to = -1;
    for (long offset : taken) {
      if (from != null && offset == to + 1) {
        to = offset;
        continue;
      }
      if (from != null && !append(metadata, from, to)) {
        return new OffsetAndMetadata(start, metadata.toString());
      }
      from = offset;
      to = offset;
    }
    if (from != null) {
      append(metadata, from, to);
    }
    return new OffsetAndMetadata(start, metadata.toString());
  }

  private static boolean append(StringBuilder metadata, long from, long to) {
    String range = from == to ? Long.toString(from) : from + "-" + to;
    if (metadata.length() + range.length() + 1 > MAX_METADATA) {
      return false;
    }
    if (metadata.length() > PREFIX.length()) {
      metadata.append(',');
    }
    metadata.append(range);
    return true;
  }
}
