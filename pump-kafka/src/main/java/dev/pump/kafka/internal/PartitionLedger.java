package dev.pump.kafka.internal;

import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What one owned partition's records are doing, and the offset it may commit: the lowest offset
 * fetched and not yet settled, or the next to fetch when all are settled. Records may be settled in
 * any order; the committed offset never passes an unsettled one, so a new owner can only see a
 * record again, never miss one.
 *
 * <p>The committed offset's metadata carries the end of what this owner fetched, committed before
 * any of it is handed out, so the next owner knows which records may have been delivered before,
 * even when this owner died inside a handler. Not thread-safe: its consumer's lock guards it.
 */
final class PartitionLedger {
  private static final String MARK = "pump:fetched-end=";

  private final TopicPartition partition;
  private final long deliveredBefore;
  private final TreeSet<Long> unsettled = new TreeSet<>();
  private long next = -1;
  private long fetchedEnd;
  private int handedOut;
  private long committedOffset = -1;
  private long committedMark = -1;
  private boolean revoked;

  /**
   * A ledger for a partition just assigned.
   *
   * @param committed what its group committed, or null
   */
  PartitionLedger(TopicPartition partition, OffsetAndMetadata committed) {
    this.partition = partition;
    this.deliveredBefore = committed == null ? 0 : mark(committed.metadata());
    this.fetchedEnd = deliveredBefore;
    if (committed != null) {
      this.committedOffset = committed.offset();
      this.committedMark = deliveredBefore;
    }
  }

  TopicPartition partition() {
    return partition;
  }

  /**
   * The consumer was moved to {@code offset} (a subscription's start): committed at the next cycle,
   * so the group keeps the start even if nothing arrives before this owner goes away.
   */
  void startAt(long offset) {
    next = Math.max(next, offset);
  }

  /** A record fetched for handing out: unsettled until settled. */
  void fetched(long offset) {
    unsettled.add(offset);
    next = Math.max(next, offset + 1);
    fetchedEnd = Math.max(fetchedEnd, next);
  }

  /** A record fetched that this queue passes over: settled at once. */
  void passedOver(long offset) {
    next = Math.max(next, offset + 1);
    fetchedEnd = Math.max(fetchedEnd, next);
  }

  /** How many deliveries a record fetched now has had, this one included, as far as known. */
  int firstDeliveryCount(long offset) {
    return offset < deliveredBefore ? 2 : 1;
  }

  void handedOut() {
    handedOut++;
  }

  /** A handed-out record came back: completed (settled for good) or abandoned (still unsettled). */
  void returned(long offset, boolean completed) {
    handedOut--;
    if (completed) {
      unsettled.remove(offset);
    }
  }

  /** Records handed out and not yet returned. */
  int handedOutCount() {
    return handedOut;
  }

  boolean isRevoked() {
    return revoked;
  }

  void revoke() {
    revoked = true;
  }

  /** The offset it may commit now: the lowest unsettled, or the next to fetch; -1 if unknown. */
  long watermark() {
    return unsettled.isEmpty() ? next : unsettled.first();
  }

  /** What to commit, if the watermark or the fetched end moved since the last commit. */
  OffsetAndMetadata toCommit() {
    long watermark = watermark();
    if (watermark < 0 || (watermark == committedOffset && fetchedEnd == committedMark)) {
      return null;
    }
    return new OffsetAndMetadata(watermark, MARK + fetchedEnd);
  }

  /** What to commit when letting the partition go or closing, changed or not; null if unknown. */
  OffsetAndMetadata current() {
    long watermark = watermark();
    return watermark < 0 ? null : new OffsetAndMetadata(watermark, MARK + fetchedEnd);
  }

  /** Forgets a commit that failed, so the next cycle sends it again. */
  void commitFailed() {
    committedOffset = -1;
  }

  /** Remembers a commit sent, so the same is not sent again. */
  void committing(OffsetAndMetadata offset) {
    committedOffset = offset.offset();
    committedMark = mark(offset.metadata());
  }

  private static long mark(String metadata) {
    if (metadata == null || !metadata.startsWith(MARK)) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(metadata.substring(MARK.length())));
    } catch (NumberFormatException e) {
      return 0; // someone else's metadata: nothing known about earlier deliveries
    }
  }
}
