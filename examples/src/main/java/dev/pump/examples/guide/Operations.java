package dev.pump.examples.guide;

import dev.pump.core.Endpoint;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.DispatcherCounters;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.MessageTrace;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PumpOperations;
import dev.pump.jdbc.Throughput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Java of docs/operations.md: monitoring and re-driving. */
public final class Operations {
  private static final Logger log = LoggerFactory.getLogger(Operations.class);

  private Operations() {}

  /** Reads what to monitor; call it from your metrics scraper. */
  public static void report(JdbcStorage storage, OutboxDispatcher dispatcher) {
    // docs:ops-monitor
    PumpOperations operations = storage.operations();
    // one query, per destination
    for (PumpOperations.Backlog backlog : operations.outboxBacklog()) {
      log.info(
          "outbox {}: {} pending, {} due, oldest {}",
          backlog.destination(),
          backlog.pending(),
          backlog.due(),
          backlog.oldestAge());
      if (backlog.oldestAge().compareTo(Duration.ofMinutes(5)) > 0) {
        log.warn("outbox to {} is not draining", backlog.destination());
      }
    }
    DispatcherCounters counters = dispatcher.counters(); // this process's dispatcher, since start
    log.info(
        "dispatched {} rows in {} batches ({} operations saved); {} batches failed, {} rows parked;"
            + " failures by destination {}",
        counters.rowsDispatched(),
        counters.batchesSent(),
        counters.operationsSaved(),
        counters.batchesFailed(),
        counters.rowsParked(),
        counters.failuresByDestination());
    log.info("duplicates skipped by the inbox: {}", operations.duplicatesSkipped()); // since start
    // docs:end
  }

  /** Moves failed messages and parked rows back once the fault is fixed. */
  public static void redrive(Endpoint shipping, JdbcStorage storage) {
    // docs:ops-redrive
    // messages a handler failed on, from the endpoint's error queue back to its input queue
    boolean moved = shipping.failedMessages().retry("0193a1f4-7c1e-7b3a-9d2f-1c2b3a4d5e6f");
    int all = shipping.failedMessages().retryAll(); // each visible message, at most once
    // outbox rows the dispatcher gave up on (the destination was down too long)
    PumpOperations operations = storage.operations();
    List<PumpOperations.Parked> oldest = operations.parked(50);
    int requeued = operations.requeueParked("billing"); // attempts restart, last_error stays
    // docs:end
    log.info(
        "moved {}, {} retried, {} parked listed, {} re-queued",
        moved,
        all,
        oldest.size(),
        requeued);
  }

  /** Shows one failed message, then discards it and a parked row, leaving the audit record. */
  public static void discard(JdbcStorage storage, String messageId, long parkedRowId) {
    PumpOperations operations = storage.operations();
    // docs:ops-discard
    PumpOperations.FailedMessage failed =
        operations.failedMessage("error", messageId).orElseThrow();
    int discarded = operations.discardFailed("error", messageId, "alice"); // 0 if it was not there
    boolean gone = operations.discardParked(parkedRowId, "alice"); // only a parked row
    // docs:end
    log.info(
        "discarded {} copies of {} ({}), parked row gone: {}",
        discarded,
        messageId,
        failed.reason(),
        gone);
  }

  /** Lists what failed, looks at one, and retries or discards a selection. */
  public static void operate(JdbcStorage storage, Transport rabbit) {
    PumpOperations operations = storage.operations();
    // docs:ops-api
    ErrorQueue errors = operations.errorQueue("error"); // a PostgreSQL error queue
    // or: operations.errorQueue(rabbit, "error") for RabbitMQ's, read without losing a message
    // or: operations.parkedRows() for the outbox rows the dispatcher parked
    ErrorQueue.Filter billingBugs =
        ErrorQueue.Filter.all()
            .failedQueue("billing")
            .exceptionType("java.lang.IllegalStateException")
            .failedBetween(Instant.now().minus(Duration.ofHours(1)), null)
            .limit(20);
    ErrorQueue.Page page = errors.list(billingBugs);
    for (ErrorQueue.Message failed : page.messages()) {
      log.info(
          "{} failed in {} ({}): {} [{} bytes] {}",
          failed.messageId(),
          failed.failedQueue(),
          failed.reason(),
          failed.exceptionMessage(),
          failed.bodyBytes(),
          failed.bodyPreview());
    }
    ErrorQueue.Page next = errors.list(billingBugs.after(page.next())); // null cursor: the end
    String stackTrace = errors.show("order-0042").map(ErrorQueue.Message::stackTrace).orElse("");
    List<ErrorQueue.Outcome> retried = errors.retry(List.of("order-0042", "order-0043"));
    List<ErrorQueue.Outcome> discarded =
        errors.discard(ErrorQueue.Filter.all().containing("test-order"), "alice");
    // docs:end
    log.info(
        "{} more, trace of {} lines, {} retried, {} discarded",
        next.messages().size(),
        stackTrace.lines().count(),
        retried,
        discarded);
  }

  /** Follows one message through the tables. */
  public static void trace(JdbcStorage storage) {
    // docs:ops-trace
    MessageTrace trace = storage.operations().trace("order-0007");
    for (MessageTrace.Handled handled : trace.handled()) {
      log.info(
          "{} handled {} at {}", handled.endpoint(), handled.messageId(), handled.processedAt());
    }
    for (MessageTrace.Sent sent : trace.sent()) {
      log.info(
          "{}{} -> {} ({}): {}",
          "  ".repeat(sent.depth()),
          sent.messageType(),
          sent.destination(),
          sent.messageId(),
          sent.state());
    }
    trace.waiting().forEach(w -> log.info("{} waits in {} {}", w.messageId(), w.place(), w.name()));
    // docs:end
  }

  /** Logs what went through in the last hour, minute by minute. */
  public static void throughput(PumpOperations operations) {
    // docs:ops-throughput
    Throughput lastHour = operations.throughput();
    log.info(
        "{} handled, {} relayed, longest relay lag {}",
        lastHour.handled(),
        lastHour.dispatched(),
        lastHour.maxRelayLag());
    for (Throughput.Interval minute : lastHour.intervals()) {
      log.info("{}: {} handled, lag {}", minute.start(), minute.handled(), minute.relayLagAvg());
    }
    // docs:end
  }
}
