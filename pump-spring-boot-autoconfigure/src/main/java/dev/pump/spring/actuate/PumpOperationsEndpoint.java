package dev.pump.spring.actuate;

import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PumpOperations;
import dev.pump.jdbc.PumpOperations.Backlog;
import dev.pump.jdbc.PumpOperations.FailedMessage;
import dev.pump.jdbc.PumpOperations.QueueDepth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * /actuator/pump/{errorQueue}/{messageId}} discards one into the audit table. Like every Actuator
 * endpoint, it is exposed over HTTP only when {@code management.endpoints.web.exposure.include}
 * names it; secure it as you secure Actuator. Thread-safe.
 */
@Endpoint(id = "pump")
public class PumpOperationsEndpoint {
  /** How many failed messages a listing shows: {@value}. */
  public static final int LIST_LIMIT = 100;

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
   */
  public record Overview(
      List<Backlog> outbox, List<QueueDepth> queues, Map<String, Long> failedMessages) {}

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
    return new Overview(operations.outboxBacklog(), queues, failed);
  }

  /** The first {@value #LIST_LIMIT} failed messages of {@code errorQueue}. */
  @ReadOperation
  public List<FailedMessage> failedMessages(@Selector String errorQueue) {
    return new ArrayList<>(operations.failedMessages(errorQueue, LIST_LIMIT));
  }

  /** One failed message, or nothing (404) if it is not there. */
  @ReadOperation
  public FailedMessage failedMessage(@Selector String errorQueue, @Selector String messageId) {
    return operations.failedMessage(errorQueue, messageId).orElse(null);
  }

  /** Moves every message of {@code errorQueue} back to the queue it failed in. */
  @WriteOperation
  public Map<String, Object> retryAll(@Selector String errorQueue) {
    return Map.of("retried", operations.retryAllFailed(errorQueue));
  }

  /** Moves one failed message back to the queue it failed in. */
  @WriteOperation
  public Map<String, Object> retry(@Selector String errorQueue, @Selector String messageId) {
    return Map.of("retried", operations.retryFailed(errorQueue, messageId) ? 1 : 0);
  }

  /** Discards one failed message into the {@code discarded_message} audit table. */
  @DeleteOperation
  public Map<String, Object> discard(@Selector String errorQueue, @Selector String messageId) {
    return Map.of("discarded", operations.discardFailed(errorQueue, messageId));
  }
}
