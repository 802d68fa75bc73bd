package dev.pump.spring.actuate;

import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PumpOperations;
import dev.pump.jdbc.PumpOperations.Backlog;
import dev.pump.jdbc.PumpOperations.Parked;
import dev.pump.jdbc.PumpOperations.QueueDepth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The Actuator endpoint {@code pump}, on {@link PumpOperations}: over HTTP, {@code GET
 * /actuator/pump} shows the outbox backlog per destination (with its oldest age), the PostgreSQL
 * queues' depths and the messages waiting in each error queue; {@code GET
 * /actuator/pump/{errorQueue}} lists the first failed messages of one, {@code GET
 * /actuator/pump/{errorQueue}/{messageId}} shows one (why it failed, its headers, the start of its
 * body); {@code POST} to either retries all or one, and {@code DELETE
 * /actuator/pump/{errorQueue}/{messageId}} discards one into the audit table, recording the
 * authenticated user (or {@value #ANONYMOUS}). The name {@value #PARKED} stands for the outbox rows
 * the dispatcher parked: {@code GET /actuator/pump/outbox} lists them, {@code POST} re-queues all
 * or one by its row id, {@code DELETE /actuator/pump/outbox/{id}} discards one. Like every Actuator
 * endpoint, it is exposed over HTTP only when {@code management.endpoints.web.exposure.include}
 * names it; secure it as you secure Actuator. Thread-safe.
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
  private final Set<String> errorQueues;

  /** The endpoint over {@code storage}'s operations, for these error queues. */
  public PumpOperationsEndpoint(JdbcStorage storage, Set<String> errorQueues) {
    this.operations = Objects.requireNonNull(storage, "storage").operations();
    this.errorQueues = Set.copyOf(errorQueues);
  }

  /**
   * What {@code GET /actuator/pump} shows.
   *
   * @param outbox the backlog per destination, with its oldest age
   * @param queues the depth of every PostgreSQL queue that holds messages
   * @param failedMessages the messages waiting in each error queue
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
    Map<String, Long> failed = new LinkedHashMap<>();
    for (String errorQueue : errorQueues.stream().sorted().toList()) {
      failed.put(errorQueue, 0L);
    }
    for (QueueDepth depth : queues) {
      if (failed.containsKey(depth.queue())) {
        failed.put(depth.queue(), depth.messages());
      }
    }
    return new Overview(operations.outboxBacklog(), queues, failed, operations.parked(LIST_LIMIT));
  }

  /**
   * The first {@value #LIST_LIMIT} failed messages of {@code errorQueue}, or the oldest parked
   * outbox rows for {@value #PARKED}.
   */
  @ReadOperation
  public List<?> failedMessages(@Selector String errorQueue) {
    if (PARKED.equals(errorQueue)) {
      return operations.parked(LIST_LIMIT);
    }
    return new ArrayList<>(operations.failedMessages(errorQueue, LIST_LIMIT));
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
    return operations.failedMessage(errorQueue, messageId).orElse(null);
  }

  /** Moves every message of {@code errorQueue} back to the queue it failed in. */
  @WriteOperation
  public Map<String, Object> retryAll(@Selector String errorQueue) {
    if (PARKED.equals(errorQueue)) {
      return Map.of("retried", operations.requeueAllParked());
    }
    return Map.of("retried", operations.retryAllFailed(errorQueue));
  }

  /** Moves one failed message back to the queue it failed in, or re-queues one parked row. */
  @WriteOperation
  public Map<String, Object> retry(@Selector String errorQueue, @Selector String messageId) {
    if (PARKED.equals(errorQueue)) {
      return Map.of("retried", operations.requeueParked(rowId(messageId)));
    }
    return Map.of("retried", operations.retryFailed(errorQueue, messageId) ? 1 : 0);
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
    return Map.of("discarded", operations.discardFailed(errorQueue, messageId, by));
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
