package dev.pump.rabbitmq.internal;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NavigableSet;

/**
 * The settlement of the messages one receive returned together, so that their acknowledgements can
 * be coalesced: completing one only records it, and once every message of the batch is settled the
 * completed ones are acknowledged at once, with {@code multiple} where that is valid.
 *
 * <p><b>When {@code basic.ack(tag, multiple=true)} is valid.</b> It acknowledges every delivery on
 * the channel that is still unacknowledged and has a tag up to {@code tag}: prefetched ones nobody
 * took, other receives' messages, and this batch's own. So it is used only up to the highest
 * completed tag below which every unsettled tag of the channel is a completed message of this
 * batch: {@link #coveredByMultiple} finds it. Abandoned messages were requeued already and are no
 * longer unsettled, so they do not stand in the way; the completed ones above that prefix are
 * acknowledged one by one.
 *
 * <p>Not thread-safe: its consumer calls it under the channel's lock.
 */
final class ReceivedBatch {
  private final int size;
  private final long[] completed;
  private int completedCount;
  private int settled;

  ReceivedBatch(int size) {
    this.size = size;
    this.completed = new long[size];
  }

  /** How many messages the receive returned together. */
  int size() {
    return size;
  }

  /**
   * Records that one message of the batch was settled (acknowledgement pending if {@code
   * complete}).
   *
   * @return whether it was the last of the batch: time to acknowledge the completed ones
   */
  boolean settle(long deliveryTag, boolean complete) {
    if (complete) {
      completed[completedCount++] = deliveryTag;
    }
    settled++;
    return settled == size;
  }

  /** The completed messages' delivery tags, ascending. */
  long[] completedTags() {
    long[] tags = Arrays.copyOf(completed, completedCount);
    Arrays.sort(tags);
    return tags;
  }

  /**
   * How many of {@code completedTags} (ascending) one {@code basic.ack(multiple=true)} on the last
   * of them may acknowledge: the length of their longest prefix that is also the prefix of the
   * channel's {@code unsettled} delivery tags.
   */
  static int coveredByMultiple(long[] completedTags, NavigableSet<Long> unsettled) {
    Iterator<Long> lowest = unsettled.iterator();
    int covered = 0;
    while (covered < completedTags.length
        && lowest.hasNext()
        && lowest.next() == completedTags[covered]) {
      covered++;
    }
    return covered;
  }
}
