package dev.pump.kafka.internal;

import dev.pump.core.spi.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one queue's consumer between the poll thread and the pump: the ledgers of the
 * owned partitions, the records fetched and waiting, and how many are handed out. The poll thread
 * adds and commits; any thread takes and settles. One lock guards it all. Thread-safe.
 */
final class RecordBuffer {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Fetched> ready = new ArrayDeque<>();
  private final Map<TopicPartition, PartitionLedger> ledgers = new HashMap<>();
  private final int maxInFlight;
  private int handedOut;
  private boolean closed;

  RecordBuffer(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  /** Whether the records held, waiting or handed out, reached the maximum: time to pause. */
  boolean isFull() {
    lock.lock();
    try {
      return ready.size() + handedOut >= maxInFlight;
    } finally {
      lock.unlock();
    }
  }

  /** Records held now, waiting or handed out. */
  int held() {
    lock.lock();
    try {
      return ready.size() + handedOut;
    } finally {
      lock.unlock();
    }
  }

  /** Starts the ledger of a partition just assigned, and returns it. */
  PartitionLedger assigned(TopicPartition partition, OffsetAndMetadata committed) {
    lock.lock();
    try {
      PartitionLedger ledger = new PartitionLedger(partition, committed);
      ledgers.put(partition, ledger);
      return ledger;
    } finally {
      lock.unlock();
    }
  }

  /** Moves a new ledger's start to a subscription's start offset, to be committed. */
  void startAt(PartitionLedger ledger, long offset) {
    lock.lock();
    try {
      ledger.startAt(offset);
    } finally {
      lock.unlock();
    }
  }

  /** The ledger of an owned partition, or null. */
  PartitionLedger ledger(TopicPartition partition) {
    lock.lock();
    try {
      return ledgers.get(partition);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Books a fetched record in its ledger, not yet to be taken: returns it, or null for one this
   * queue passes over (settled at once). {@link #release} makes the returned ones takeable.
   */
  Fetched stage(PartitionLedger ledger, long offset, KafkaRecords.Received received, boolean take) {
    lock.lock();
    try {
      if (ledger.isRevoked()) {
        return null;
      }
      if (!take) {
        ledger.passedOver(offset);
        return null;
      }
      ledger.fetched(offset);
      return new Fetched(ledger, offset, received, ledger.firstDeliveryCount(offset));
    } finally {
      lock.unlock();
    }
  }

  /** Makes staged records takeable, in order; those of partitions revoked since are dropped. */
  void release(List<Fetched> staged) {
    lock.lock();
    try {
      for (Fetched fetched : staged) {
        if (!fetched.ledger().isRevoked()) {
          ready.addLast(fetched);
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes up to {@code max} records, waiting up to {@code maxWait} for the first and {@code
   * fillWait} for more. A record delivered before comes alone.
   */
  List<ReceivedMessage> take(QueueConsumer owner, int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long deadline = System.nanoTime() + maxWait.toNanos();
      while (ready.isEmpty()) {
        owner.checkAlive();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return List.of();
        }
        changed.awaitNanos(left);
      }
      List<ReceivedMessage> taken = new ArrayList<>(Math.min(max, ready.size()));
      Fetched first = ready.pollFirst();
      taken.add(handOut(owner, first));
      if (first.deliveryCount() > 1) {
        return taken;
      }
      long fillDeadline = System.nanoTime() + fillWait.toNanos();
      while (taken.size() < max) {
        Fetched next = ready.peekFirst();
        if (next != null) {
          if (next.deliveryCount() > 1) {
            break; // it comes alone, in the next receive
          }
          taken.add(handOut(owner, ready.pollFirst()));
          continue;
        }
        long left = fillDeadline - System.nanoTime();
        if (left <= 0 || closed) {
          break;
        }
        changed.awaitNanos(left);
      }
      return taken;
    } finally {
      lock.unlock();
    }
  }

  private ReceivedMessage handOut(QueueConsumer owner, Fetched fetched) {
    handedOut++;
    fetched.ledger().handedOut();
    return new KafkaReceivedMessage(owner, fetched);
  }

  /**
   * A handed-out record came back. Completed, it is settled; abandoned, it waits at the head to be
   * handed out again. A record of a partition since revoked changes nothing here: the partition's
   * next owner delivers it again.
   *
   * @return whether the buffer was full before, so the poll thread may resume
   */
  boolean returned(Fetched fetched, boolean completed) {
    lock.lock();
    try {
      PartitionLedger ledger = fetched.ledger();
      if (ledger.isRevoked()) {
        return false;
      }
      boolean wasFull = ready.size() + handedOut >= maxInFlight;
      handedOut--;
      ledger.returned(fetched.offset(), completed);
      if (!completed && !closed) {
        ready.addFirst(fetched.again());
      }
      changed.signalAll();
      return wasFull;
    } finally {
      lock.unlock();
    }
  }

  /** What to commit of every owned partition whose watermark or handed-out end moved. */
  Map<TopicPartition, OffsetAndMetadata> toCommit() {
    lock.lock();
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (PartitionLedger ledger : ledgers.values()) {
        OffsetAndMetadata offset = ledger.toCommit();
        if (offset != null) {
          ledger.committing(offset);
          offsets.put(ledger.partition(), offset);
        }
      }
      return offsets;
    } finally {
      lock.unlock();
    }
  }

  /** Commits that failed are sent again by the next cycle, for the partitions still owned. */
  void commitFailed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    lock.lock();
    try {
      for (TopicPartition partition : offsets.keySet()) {
        PartitionLedger ledger = ledgers.get(partition);
        if (ledger != null) {
          ledger.commitFailed();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Lets {@code partitions} go: drops their waiting records, waits up to {@code wait} for their
   * handed-out ones to come back, and returns what to commit for them. Their records settled later
   * change nothing.
   */
  Map<TopicPartition, OffsetAndMetadata> revoke(
      Collection<TopicPartition> partitions, Duration wait) {
    lock.lock();
    try {
      List<PartitionLedger> leaving = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        PartitionLedger ledger = ledgers.get(partition);
        if (ledger != null) {
          leaving.add(ledger);
        }
      }
      ready.removeIf(fetched -> leaving.contains(fetched.ledger()));
      long deadline = System.nanoTime() + wait.toNanos();
      boolean interrupted = false;
      while (leaving.stream().anyMatch(ledger -> ledger.handedOutCount() > 0)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          changed.awaitNanos(left);
        } catch (InterruptedException e) {
          interrupted = true; // the rebalance goes on; what is unsettled comes back elsewhere
          break;
        }
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (PartitionLedger ledger : leaving) {
        OffsetAndMetadata offset = ledger.current();
        if (offset != null) {
          offsets.put(ledger.partition(), offset);
        }
        handedOut -= ledger.handedOutCount();
        ledger.revoke();
        ledgers.remove(ledger.partition());
      }
      changed.signalAll();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return offsets;
    } finally {
      lock.unlock();
    }
  }

  /** Forgets {@code partitions} without committing: another owner may have them already. */
  void lost(Collection<TopicPartition> partitions) {
    lock.lock();
    try {
      for (TopicPartition partition : partitions) {
        PartitionLedger ledger = ledgers.remove(partition);
        if (ledger != null) {
          ready.removeIf(fetched -> fetched.ledger() == ledger);
          handedOut -= ledger.handedOutCount();
          ledger.revoke();
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** What to commit of every owned partition at close, and closes: takers wake up. */
  Map<TopicPartition, OffsetAndMetadata> close() {
    lock.lock();
    try {
      closed = true;
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (PartitionLedger ledger : ledgers.values()) {
        OffsetAndMetadata offset = ledger.current();
        if (offset != null) {
          offsets.put(ledger.partition(), offset);
        }
        ledger.revoke();
      }
      ledgers.clear();
      ready.clear();
      changed.signalAll();
      return offsets;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiting taker, to see that the consumer failed or closed. */
  void wakeTakers() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
