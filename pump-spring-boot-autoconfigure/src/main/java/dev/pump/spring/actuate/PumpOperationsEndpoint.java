package dev.pump.spring.actuate;

import dev.pump.core.spi.Transport;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.jdbc.PumpOperations;
import dev.pump.jdbc.PumpOperations.Backlog;
import dev.pump.jdbc.PumpOperations.Parked;
import dev.pump.jdbc.PumpOperations.QueueDepth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;

/**
 * The Actuator endpoint {@code pump}, on {@link PumpOperations} and its {@link ErrorQueue}s: over
 * HTTP, {@code GET /actuator/pump} shows the outbox backlog per destination (with its oldest age),
 * the PostgreSQL queues' depths and the messages waiting in each error queue; {@code GET
 * /actuator/pump/{errorQueue}} lists the first failed messages of one (optionally filtered by
 * {@code failedIn}, {@code reason}, {@code exceptionType} and {@code containing}, and paged with
 * {@code after}, the {@code next} cursor of the page before), {@code GET
 * /actuator/pump/{errorQueue}/{messageId}} shows one (why it failed, its stack trace, headers, the
 * start of its body); {@code POST} to either retries all or one, and {@code DELETE
 * /actuator/pump/{errorQueue}/{messageId}} discards one into the audit table, recording the
 * authenticated user (or {@value #ANONYMOUS}). Error queues are read through the application's
 * transport: SQL on the PostgreSQL transport, without losing a message on RabbitMQ. Only the error
 * queues the application's endpoints use are served; another name is a bad request. The name
 * {@value #PARKED} stands for the outbox rows the dispatcher parked: {@code GET
 * /actuator/pump/outbox} lists them, {@code POST} re-queues all or one by its row id, {@code DELETE
 * /actuator/pump/outbox/{id}} discards one. Like every Actuator endpoint, it is exposed over HTTP
 * only when {@code management.endpoints.web.exposure.include} names it; secure it as you secure
 * Actuator. Thread-safe.
 */
@Endpoint(id = "pump")
public class PumpOperationsEndpoint {
  /** How many failed messages a listing shows: {@value}. */
  public static final int LIST_LIMIT = 100;

  /** The name under which the parked outbox rows are listed, re-queued and discarded. */
  public static final String PARKED = "outbox";

  /** Who a discard is recorded as when the request is not authenticated. */
  public static final String ANONYMOUS = "actuator";

  private final PumpOperations operations;
  private final Transport transport;
  private final Set<String> errorQueues;

  /** The endpoint over {@code storage}'s operations, for these PostgreSQL error queues. */
  public PumpOperationsEndpoint(JdbcStorage storage, Set<String> errorQueues) {
    this(storage, null, errorQueues);
  }

  /**
   * The endpoint over {@code storage}'s operations, for these error queues of {@code transport}
   * (null: the PostgreSQL transport's).
   */
  public PumpOperationsEndpoint(
      JdbcStorage storage, @Nullable Transport transport, Set<String> errorQueues) {
    this.operations = Objects.requireNonNull(storage, "storage").operations();
    this.transport = transport;
    this.errorQueues = Set.copyOf(new TreeSet<>(errorQueues));
  }

  /**
   * What {@code GET /actuator/pump} shows.
   *
   * @param outbox the backlog per destination, with its oldest age
   * @param queues the depth of every PostgreSQL queue that holds messages
   * @param failedMessages the messages waiting in each error queue; on a transport other than
   *     PostgreSQL's, null (counting them would mean reading them: list one instead)
   * @param parked the oldest outbox rows the dispatcher parked, at most {@value #LIST_LIMIT}
   */
  public record Overview(
      List<Backlog> outbox,
      List<QueueDepth> queues,
      Map<String, Long> failedMessages,
      List<Parked> parked) {}

  /** The backlog, queue depths and failed-message counts. */
  @ReadOperation
  public Overview overview() {
    List<QueueDepth> queues = operations.queueDepths();
    Map<String, Long> failed = null;
    if (onPostgres()) {
      failed = new LinkedHashMap<>();
      for (String errorQueue : errorQueues.stream().sorted().toList()) {
        failed.put(errorQueue, 0L);
      }
      for (QueueDepth depth : queues) {
        if (failed.containsKey(depth.queue())) {
          failed.put(depth.queue(), depth.messages());
        }
      }
    }
    return new Overview(operations.outboxBacklog(), queues, failed, operations.parked(LIST_LIMIT));
  }

  /**
   * The first {@value #LIST_LIMIT} failed messages of {@code errorQueue} that match the criteria
   * given, as a page with the {@code next} cursor; or the oldest parked outbox rows for {@value
   * #PARKED}.
   */
  @ReadOperation
  public Object failedMessages(
      @Selector String errorQueue,
      @Nullable String failedIn,
      @Nullable String reason,
      @Nullable String exceptionType,
      @Nullable String containing,
      @Nullable String after) {
    if (PARKED.equals(errorQueue)) {
      return operations.parked(LIST_LIMIT);
    }
    ErrorQueue errors = errorQueue(errorQueue);
    return checked(() -> {
      ErrorQueue.Filter filter = ErrorQueue.Filter.all().limit(LIST_LIMIT).after(after);
      filter = failedIn == null ? filter : filter.failedQueue(failedIn);
      filter = reason == null ? filter : filter.reason(reason);
      filter = exceptionType == null ? filter : filter.exceptionType(exceptionType);
      filter = containing == null ? filter : filter.containing(containing);
      return errors.list(filter);
    });
  }

  /** One failed message or parked row, or nothing (404) if it is not there. */
  @ReadOperation
  public Object failedMessage(@Selector String errorQueue, @Selector String messageId) {
    if (PARKED.equals(errorQueue)) {
      long id = rowId(messageId);
      return operations.parked(Integer.MAX_VALUE).stream()
          .filter(row -> row.id() == id)
          .findFirst()
          .orElse(null);
    }
    ErrorQueue errors = errorQueue(errorQueue);
    return checked(() -> errors.show(messageId).orElse(null));
  }

  /** Moves every message of {@code errorQueue} back to the queue it failed in. */
  @WriteOperation
  public Map<String, Object> retryAll(@Selector String errorQueue) {
    if (PARKED.equals(errorQueue)) {
      return Map.of("retried", operations.requeueAllParked());
    }
    return Map.of("retried", errorQueue(errorQueue).retryAll());
  }

  /**
   * Moves one failed message back to the queue it failed in, or re-queues one parked row; says what
   * became of it ({@code RETRIED}, {@code NOT_FOUND}, or {@code FAILED} with why).
   */
  @WriteOperation
  public Map<String, Object> retry(@Selector String errorQueue, @Selector String messageId) {
    if (PARKED.equals(errorQueue)) {
      return Map.of("retried", operations.requeueParked(rowId(messageId)));
    }
    ErrorQueue errors = errorQueue(errorQueue);
    return outcome("retried", checked(() -> errors.retry(List.of(messageId)).getFirst()));
  }

  /**
   * Discards one failed message, or one parked row, into the {@code discarded_message} audit table,
   * as the authenticated user, or {@value #ANONYMOUS}.
   */
  @DeleteOperation
  public Map<String, Object> discard(
      @Selector String errorQueue, @Selector String messageId, SecurityContext security) {
    String by =
        security == null || security.getPrincipal() == null
            ? ANONYMOUS
            : security.getPrincipal().getName();
    if (PARKED.equals(errorQueue)) {
      return Map.of("discarded", operations.discardParked(rowId(messageId), by) ? 1 : 0);
    }
    ErrorQueue errors = errorQueue(errorQueue);
    return outcome("discarded", checked(() -> errors.discard(List.of(messageId), by).getFirst()));
  }

  private ErrorQueue errorQueue(String name) {
    if (!errorQueues.contains(name)) {
      throw new InvalidEndpointRequestException(
          "not an error queue of this application: "
              + name.substring(0, Math.min(name.length(), 200))
              + "; they are "
              + errorQueues
              + " and "
              + PARKED
              + " for the parked outbox rows",
          "unknown error queue");
    }
    return onPostgres() ? operations.errorQueue(name) : operations.errorQueue(transport, name);
  }

  private boolean onPostgres() {
    return transport == null || transport instanceof PostgresTransport;
  }

  private static Map<String, Object> outcome(String verb, ErrorQueue.Outcome outcome) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(verb, outcome.copies());
    result.put("result", outcome.result());
    if (outcome.detail() != null) {
      result.put("detail", outcome.detail());
    }
    return result;
  }

  private static <T> T checked(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), "invalid request");
    }
  }

  private static long rowId(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new InvalidEndpointRequestException(
          "a parked outbox row is named by its numeric id, was " + id, "not a row id");
    }
  }
}
