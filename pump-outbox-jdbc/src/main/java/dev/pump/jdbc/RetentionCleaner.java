package dev.pump.jdbc;

import dev.pump.core.Lifecycle;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.internal.shared.Problems;
import dev.pump.jdbc.internal.StorageRuntime;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges what the audit window no longer needs: dispatched outbox rows and inbox rows older than
 * their retention, and redelivery counts no settle removed that are older than the inbox's, in
 * bounded batches, so no statement holds locks or bloats the tables for long. Parked outbox rows
 * are never purged: they wait for an operator.
 *
 * <p>Started, it purges every {@link Builder#interval} on a thread of its own, apart from the
 * dispatcher and the endpoints; {@link #purge()} runs one pass on demand. Any number of instances
 * may run at once: each batch takes its rows with {@code FOR UPDATE SKIP LOCKED}, so two cleaners
 * never wait on each other or delete the same row twice.
 *
 * <pre>{@code
 * RetentionCleaner cleaner = RetentionCleaner.builder().storage(storage).build();
 * cleaner.start(); // every 5 minutes
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class RetentionCleaner implements Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(Loggers.RETENTION);

  /** Rows deleted per statement: {@value}. */
  public static final int DEFAULT_BATCH_SIZE = 1_000;

  /** How often a started cleaner purges: 5 minutes. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  /**
   * What one purge deleted.
   *
   * @param outboxRows dispatched outbox rows past the outbox retention
   * @param inboxRows inbox rows past the inbox retention
   * @param redeliveryRows redelivery counts past the inbox retention
   */
  public record Purged(long outboxRows, long inboxRows, long redeliveryRows) {
    /** Every row deleted. */
    public long total() {
      return outboxRows + inboxRows + redeliveryRows;
    }
  }

  private enum State {
    CREATED,
    RUNNING,
    STOPPED
  }

  private final StorageRuntime runtime;
  private final Duration interval;
  private final int batchSize;
  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private volatile ScheduledExecutorService scheduler;

  private RetentionCleaner(Builder builder) {
    this.runtime = builder.storage.runtime();
    this.interval = builder.interval;
    this.batchSize = builder.batchSize;
  }

  /** Returns a builder; {@link Builder#storage} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Purges every {@link Builder#interval}, the first time one interval after the start.
   *
   * @throws IllegalStateException if it was started or stopped before
   */
  @Override
  public void start() {
    if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
      throw new IllegalStateException("the retention cleaner was started already");
    }
    ScheduledExecutorService started =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pump-cleanup-" + runtime.schema()).factory());
    scheduler = started;
    started.scheduleWithFixedDelay(
        this::purgeLogged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void purgeLogged() {
    try {
      purge();
    } catch (RuntimeException e) {
      log.warn("Retention cleanup failed ({}); trying again in {}", e, interval);
    }
  }

  /**
   * Stops purging: a purge in flight may finish its batch within {@code grace}, then it is
   * interrupted and ends after the statement running (each batch commits on its own, so nothing is
   * half done). Idempotent.
   */
  @Override
  public void stop(Duration grace) {
    if (state.getAndSet(State.STOPPED) != State.RUNNING) {
      return;
    }
    ScheduledExecutorService running = scheduler;
    running.shutdown();
    try {
      if (!running.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        running.shutdownNow();
      }
    } catch (InterruptedException e) {
      running.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Stops with a 5 second grace. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }

  /**
   * Purges until nothing older than the windows is left, one batch per statement and transaction.
   *
   * @return what was deleted
   */
  public Purged purge() {
    Duration outboxRetention = runtime.outboxRetention();
    Duration inboxRetention = runtime.inboxRetention();
    long outbox = purgeAll(h -> runtime.outbox().purge(h, outboxRetention, batchSize));
    long inbox = purgeAll(h -> runtime.inbox().purge(h, inboxRetention, batchSize));
    // a message not started again within the inbox's window would not be recognised anyway
    long redeliveries = purgeAll(h -> runtime.redeliveries().purge(h, inboxRetention, batchSize));
    Purged purged = new Purged(outbox, inbox, redeliveries);
    if (purged.total() > 0) {
      log.info(
          "Retention purged {} dispatched outbox rows older than {}, {} inbox rows and {} redelivery"
              + " counts older than {}",
          outbox,
          outboxRetention,
          inbox,
          redeliveries,
          inboxRetention);
    }
    return purged;
  }

  private interface Batch {
    int delete(Handle handle);
  }

  private long purgeAll(Batch batch) {
    long total = 0;
    while (!Thread.currentThread().isInterrupted()) {
      int deleted = runtime.jdbi().withHandle(batch::delete);
      total += deleted;
      if (deleted < batchSize) {
        break;
      }
    }
    return total;
  }

  @Override
  public String toString() {
    return "RetentionCleaner[schema " + runtime.schema() + ", every " + interval + "]";
  }

  /** Settings of a {@link RetentionCleaner}; {@link #build()} checks them all at once. */
  public static final class Builder {
    private JdbcStorage storage;
    private Duration interval = DEFAULT_INTERVAL;
    private int batchSize = DEFAULT_BATCH_SIZE;

    private Builder() {}

    /** The storage whose tables to purge, with its retention windows. Required. */
    public Builder storage(JdbcStorage storage) {
      this.storage = storage;
      return this;
    }

    /** How often a started cleaner purges. Default 5 minutes; 1 second to 1 day. */
    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    /** Rows deleted per statement. Default {@value #DEFAULT_BATCH_SIZE}; 1 to 100,000. */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Builds the cleaner, not yet started.
     *
     * @throws dev.pump.core.PumpConfigurationException naming every invalid setting
     */
    public RetentionCleaner build() {
      Problems problems = new Problems();
      problems.required("cleaner.storage", storage);
      problems.range("cleaner.interval", interval, Duration.ofSeconds(1), Duration.ofDays(1));
      problems.range("cleaner.batchSize", batchSize, 1, 100_000);
      problems.throwIfAny();
      return new RetentionCleaner(this);
    }
  }
}
