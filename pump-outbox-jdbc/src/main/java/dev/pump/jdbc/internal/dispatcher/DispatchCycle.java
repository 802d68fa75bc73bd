package dev.pump.jdbc.internal.dispatcher;

import dev.pump.core.internal.shared.Backoff;
import dev.pump.core.internal.shared.Loggers;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportUnavailableException;
import dev.pump.jdbc.internal.outbox.OutboxStore;
import dev.pump.jdbc.internal.outbox.PendingRow;
import dev.pump.jdbc.internal.sql.HeadersJson;
import dev.pump.jdbc.internal.sql.ScanStarts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatch cycle, in one transaction: claim due rows (row locks, {@code SKIP LOCKED}), group
 * them by destination in claim order, split each group into batches bounded by count and bytes,
 * send each batch with one transport call (destinations side by side, each destination's batches
 * one after another: see {@link ParallelSends} and {@link Lanes}), then mark all sent rows with one
 * statement and the failed ones with one statement per failed destination, and commit.
 *
 * <p>The row locks are the claim: another dispatcher skips these rows, and if this process dies the
 * locks go with its connection, so the rows are taken over at once. A row sent but not yet marked
 * when the process dies is sent again (at least once); the receiver's inbox absorbs it.
 */
public final class DispatchCycle {
  private static final Logger log = LoggerFactory.getLogger(Loggers.DISPATCHER);
  private static final int MAX_ERROR_CHARS = 2000;
  private static final String SCAN_KEY = "outbox";

  /**
   * The cycle's bounds and retry policy.
   *
   * @param backoff the wait before a failed row's next attempt, by its attempt number
   */
  public record Limits(
      int claimSize, int maxBatchMessages, long maxBatchBytes, int maxAttempts, Backoff backoff) {}

  private final Jdbi jdbi;
  private final OutboxStore outbox;
  private final Transport transport;
  private final ParallelSends sends;
  private final Limits limits;
  private final DestinationBreakers breakers;
  private final DispatchCounters counters;
  private final RandomGenerator random;
  private final ScanStarts scanStarts = new ScanStarts();

  /** Creates the cycle. */
  public DispatchCycle(
      Jdbi jdbi,
      OutboxStore outbox,
      Transport transport,
      ParallelSends sends,
      Limits limits,
      DestinationBreakers breakers,
      DispatchCounters counters,
      RandomGenerator random) {
    this.jdbi = jdbi;
    this.outbox = outbox;
    this.transport = transport;
    this.sends = sends;
    this.limits = limits;
    this.breakers = breakers;
    this.counters = counters;
    this.random = random;
  }

  /**
   * Runs one cycle. Interrupted (a stop past its grace), it abandons the sends in flight, still
   * marks and commits the confirmed ones, and returns with the interrupt flag set.
   *
   * @return how many rows it claimed; fewer than the claim size means the backlog is drained
   */
  public int run() {
    Result result;
    try (Handle handle = jdbi.open()) {
      handle.begin();
      try {
        result = dispatch(handle);
        handle.commit();
      } catch (RuntimeException | Error e) {
        // the claimed rows are pending again, where they were: the next claim must see them
        scanStarts.forget(SCAN_KEY);
        try {
          handle.rollback();
        } catch (RuntimeException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
    OutboxStore.Claimed claim = result.claim();
    if (claim.rows().isEmpty()) {
      scanStarts.foundNothing(SCAN_KEY, result.scan());
    } else {
      scanStarts.found(SCAN_KEY, result.scan(), claim.earliestDueAt(), claim.latestDueAt());
    }
    if (result.stopped()) {
      Thread.currentThread().interrupt();
    }
    return result.claimed();
  }

  /**
   * @param scan where the claim started, and {@code claim} what it found: where the next claim
   *     starts once this cycle's transaction committed
   */
  private record Result(
      int claimed, boolean stopped, ScanStarts.Scan scan, OutboxStore.Claimed claim) {}

  private Result dispatch(Handle handle) {
    counters.cycles.increment();
    breakers.newCycle();
    List<String> leftOut = new ArrayList<>(breakers.paused());
    leftOut.addAll(sends.busy());
    ScanStarts.Scan scan = scanStarts.next(SCAN_KEY);
    OutboxStore.Claimed claimed = outbox.claim(handle, limits.claimSize(), leftOut, scan.from());
    List<PendingRow> rows = claimed.rows();
    if (rows.isEmpty()) {
      return new Result(0, false, scan, claimed);
    }
    long maxMessageBytes = transport.capabilities().maxMessageBytes(); // once per cycle
    Map<String, List<PendingRow>> groups = new LinkedHashMap<>();
    for (PendingRow row : rows) {
      String poison = poison(row, maxMessageBytes);
      if (poison != null) {
        // a row no transport can take must not hold its destination's other rows back
        park(handle, row, poison);
        continue;
      }
      groups.computeIfAbsent(row.destinationKey(), k -> new ArrayList<>()).add(row);
    }
    // creation order within a destination, whatever the retries did to the due times
    groups.values().forEach(group -> group.sort(Comparator.comparingLong(PendingRow::id)));
    ParallelSends.Outcome outcome =
        sends.send(
            Lanes.plan(
                List.copyOf(groups.values()), limits.maxBatchMessages(), limits.maxBatchBytes()));
    outcome.failures().forEach(failure -> recordFailure(handle, failure));
    outbox.markDispatched(handle, outcome.sentIds());
    if (outcome.stopped()) {
      log.info(
          "Dispatcher stopping: sends in flight abandoned; {} confirmed rows marked, the rest are"
              + " sent again later",
          outcome.sentIds().length);
    }
    return new Result(rows.size(), outcome.stopped(), scan, claimed);
  }

  /**
   * Records a failed attempt: one statement. An attempt the transport could not even make (it was
   * unreachable: {@link TransportUnavailableException}) is not held against the rows, so an outage
   * of any length parks nothing; the back-off and the destination's circuit breaker still apply.
   */
  private void recordFailure(Handle handle, ParallelSends.Failure failure) {
    String destination = failure.destination();
    List<PendingRow> failed = failure.rows();
    boolean counted = !(failure.error() instanceof TransportUnavailableException);
    long[] ids = new long[failed.size()];
    long[] delays = new long[failed.size()];
    int parked = 0;
    for (int i = 0; i < failed.size(); i++) {
      PendingRow row = failed.get(i);
      int attempt = counted ? row.attempts() + 1 : Math.max(1, row.attempts());
      ids[i] = row.id();
      delays[i] = backoff(attempt).toMillis();
      if (counted && row.attempts() + 1 >= limits.maxAttempts()) {
        parked++;
      }
    }
    counters.rowsParked.add(parked);
    String error = describe(failure.error());
    outbox.markFailed(handle, ids, delays, error, limits.maxAttempts(), counted);
    log.warn(
        "Dispatch of {} rows to {} failed ({}); retrying with back-off{}{}{}",
        failed.size(),
        destination,
        error,
        counted ? "" : " (transport unreachable: not counted as an attempt)",
        parked > 0 ? ", " + parked + " rows parked after their last attempt" : "",
        failure.opened() ? "; destination paused by its circuit breaker" : "");
  }

  /** Why no transport will ever take {@code row}, or null if it looks sendable. */
  private static String poison(PendingRow row, long max) {
    if (row.body().length > max) {
      return "message "
          + row.messageId()
          + " is "
          + row.body().length
          + " bytes, more than the transport's maximum of "
          + max;
    }
    try {
      HeadersJson.read(row.headersJson());
      return null;
    } catch (IllegalArgumentException e) {
      return "message " + row.messageId() + " has unreadable headers: " + e.getMessage();
    }
  }

  private void park(Handle handle, PendingRow row, String reason) {
    outbox.markFailed(handle, new long[] {row.id()}, new long[] {0}, reason, 1);
    counters.rowsParked.increment();
    log.error(
        "Parked outbox row {} to {} without sending it: {}", row.id(), row.destination(), reason);
  }

  /** The back-off after {@code attempt} failed attempts, jittered by this cycle's generator. */
  Duration backoff(int attempt) {
    return limits.backoff().after(attempt, random);
  }

  private static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder(failure.toString());
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      text.append(" <- ").append(cause);
    }
    return text.length() <= MAX_ERROR_CHARS ? text.toString() : text.substring(0, MAX_ERROR_CHARS);
  }
}
