package dev.pump.jdbc;

import java.util.Map;

/**
 * What an {@link OutboxDispatcher} has done since it started, readable without any metrics library.
 * Thread-safe; each value is a live running total.
 */
public interface DispatcherCounters {
  /**
   * Rows the transport confirmed, to be marked dispatched by their cycle. A send its cycle
   * abandoned (past {@code sendTimeout}, or at a stop) is not counted, even if it returns later.
   */
  long rowsDispatched();

  /** Successful transport sends: one per batch. */
  long batchesSent();

  /** Transport operations saved by batching: rows dispatched minus batches sent. */
  default long operationsSaved() {
    return rowsDispatched() - batchesSent();
  }

  /** Transport sends that failed, including those abandoned after {@code sendTimeout}. */
  long batchesFailed();

  /** Rows this dispatcher parked after their last allowed attempt. */
  long rowsParked();

  /** Dispatch cycles run. */
  long cycles();

  /** Failed batches per destination. */
  Map<String, Long> failuresByDestination();
}
