package dev.pump.jdbc.internal.operations;

import dev.pump.core.Headers;
import dev.pump.core.PumpException;
import dev.pump.core.internal.shared.FailureHeaders;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.QueueBrowser;
import dev.pump.core.spi.QueueBrowser.BrowsedMessage;
import dev.pump.core.spi.QueueBrowser.Decision;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportException;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.sql.HeadersJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The error queue of a transport that can browse ({@link Transport#browser()}), such as RabbitMQ:
 * every call reads the queue from its head, at most {@value #SCAN_MAX} messages, and gives back
 * what it does not take. Filters match in memory; a cursor is a position in the queue as it was
 * read, so a page after a retry or a discard may shift. Discards are recorded in this storage's
 * {@code discarded_message} table before the message is taken. Thread-safe.
 */
public final class BrowsedErrorQueue implements ErrorQueue {
  /** The most messages one call reads: {@value}. */
  public static final int SCAN_MAX = 10_000;

  private final StorageRuntime runtime;
  private final Transport transport;
  private final QueueBrowser browser;
  private final String queue;

  /** The error queue {@code queue} of {@code transport}; audits into {@code runtime}'s database. */
  public BrowsedErrorQueue(StorageRuntime runtime, Transport transport, String queue) {
    this.runtime = runtime;
    this.transport = transport;
    this.queue = Names.require("errorQueue", queue);
    this.browser =
        transport
            .browser()
            .orElseThrow(() ->
                new IllegalArgumentException(
                    transport + " cannot read a queue without taking its messages"));
  }

  @Override
  public String name() {
    return queue;
  }

  @Override
  public Page list(Filter filter) {
    long after = Inputs.rowCursor(filter.after());
    List<Message> found = new ArrayList<>();
    browse(m -> {
      if (m.position() <= after || !matches(filter, m)) {
        return Decision.KEEP;
      }
      found.add(message(m));
      return found.size() > filter.limit() ? Decision.STOP : Decision.KEEP;
    });
    List<Message> page = found.stream().limit(filter.limit()).toList();
    return new Page(page, found.size() > filter.limit() ? page.getLast().cursor() : null);
  }

  @Override
  public Optional<Message> show(String messageId) {
    Inputs.messageId(messageId);
    List<Message> found = new ArrayList<>();
    browse(m -> {
      if (!m.messageId().equals(messageId)) {
        return Decision.KEEP;
      }
      found.add(message(m));
      return Decision.STOP;
    });
    return found.stream().findFirst();
  }

  @Override
  public List<Outcome> retry(List<String> messageIds) {
    Set<String> wanted = Set.copyOf(Inputs.messageIds(messageIds));
    Map<String, Outcome> outcomes = outcomes(Inputs.messageIds(messageIds));
    browse(m -> wanted.contains(m.messageId()) ? moveBack(m, outcomes) : Decision.KEEP);
    return List.copyOf(outcomes.values());
  }

  @Override
  public List<Outcome> retry(Filter filter) {
    List<String> ids = SqlErrorQueue.idsOf(list(filter));
    return ids.isEmpty() ? List.of() : retry(ids);
  }

  @Override
  public int retryAll() {
    Instant began = Instant.now();
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    browse(m -> {
      Instant failed = Previews.failedAt(m.headers(), null);
      if (failed != null && failed.isAfter(began)) {
        return Decision.STOP; // moved back and failed again: the scan has come round
      }
      outcomes.putIfAbsent(m.messageId(), new Outcome(m.messageId(), Result.NOT_FOUND, 0, null));
      return moveBack(m, outcomes);
    });
    return outcomes.values().stream().mapToInt(Outcome::copies).sum();
  }

  @Override
  public List<Outcome> discard(List<String> messageIds, String discardedBy) {
    List<String> ids = Inputs.messageIds(messageIds);
    String by = Inputs.operator(discardedBy);
    Set<String> wanted = Set.copyOf(ids);
    Map<String, Outcome> outcomes = outcomes(ids);
    browse(m -> {
      if (!wanted.contains(m.messageId())) {
        return Decision.KEEP;
      }
      // recorded (committed) first, then taken: a crash between leaves it in both, never neither
      runtime
          .jdbi()
          .useHandle(h ->
              runtime
                  .discards()
                  .record(
                      h,
                      queue,
                      m.messageId(),
                      HeadersJson.write(m.headers()),
                      m.body(),
                      m.headers().get(Headers.FAILURE_REASON),
                      by));
      Outcome before = outcomes.get(m.messageId());
      outcomes.put(
          m.messageId(), new Outcome(m.messageId(), Result.DISCARDED, before.copies() + 1, null));
      return Decision.TAKE;
    });
    return List.copyOf(outcomes.values());
  }

  @Override
  public List<Outcome> discard(Filter filter, String discardedBy) {
    Inputs.operator(discardedBy);
    List<String> ids = SqlErrorQueue.idsOf(list(filter));
    return ids.isEmpty() ? List.of() : discard(ids, discardedBy);
  }

  private Decision moveBack(BrowsedMessage m, Map<String, Outcome> outcomes) {
    String origin = m.headers().get(Headers.FAILED_QUEUE);
    Outcome before = outcomes.get(m.messageId());
    if (!Names.isValid(origin)) {
      outcomes.put(
          m.messageId(),
          new Outcome(
              m.messageId(),
              Result.FAILED,
              before.copies(),
              "its header pump.failure.queue does not name a valid queue, so there is no queue to"
                  + " send it back to; discard it, or send it on yourself"));
      return Decision.KEEP;
    }
    try {
      transport.send(
          origin,
          List.of(
              OutgoingMessage.of(m.messageId(), FailureHeaders.restored(m.headers()), m.body())));
    } catch (TransportException e) {
      outcomes.put(
          m.messageId(),
          new Outcome(
              m.messageId(),
              Result.FAILED,
              before.copies(),
              "could not send it back to " + origin + ": " + e.getMessage()));
      return Decision.KEEP;
    }
    outcomes.put(
        m.messageId(), new Outcome(m.messageId(), Result.RETRIED, before.copies() + 1, null));
    return Decision.TAKE;
  }

  private Map<String, Outcome> outcomes(List<String> ids) {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (String id : ids) {
      outcomes.put(id, new Outcome(id, Result.NOT_FOUND, 0, "not in " + queue));
    }
    return outcomes;
  }

  private void browse(QueueBrowser.Visitor visitor) {
    try {
      browser.browse(queue, SCAN_MAX, visitor);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PumpException("interrupted while reading " + queue + "; nothing was lost", e);
    }
  }

  private Message message(BrowsedMessage m) {
    return Previews.failed(
        queue,
        Long.toString(m.position()),
        m.messageId(),
        m.headers(),
        m.body(),
        m.body().length,
        m.enqueuedAt(),
        m.deliveryCount());
  }

  static boolean matches(Filter filter, BrowsedMessage m) {
    Map<String, String> headers = m.headers();
    if (!equalOrAny(filter.failedQueue(), headers.get(Headers.FAILED_QUEUE))
        || !equalOrAny(filter.reason(), headers.get(Headers.FAILURE_REASON))
        || !equalOrAny(filter.exceptionType(), headers.get(Headers.EXCEPTION_TYPE))) {
      return false;
    }
    if (filter.from() != null || filter.to() != null) {
      Instant at = Previews.failedAt(headers, m.enqueuedAt());
      if (at == null
          || (filter.from() != null && at.isBefore(filter.from()))
          || (filter.to() != null && !at.isBefore(filter.to()))) {
        return false;
      }
    }
    String text = filter.text();
    if (text == null || m.messageId().contains(text)) {
      return true;
    }
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (header.getKey().contains(text) || header.getValue().contains(text)) {
        return true;
      }
    }
    return indexOf(m.body(), text.getBytes(StandardCharsets.UTF_8)) >= 0;
  }

  private static boolean equalOrAny(String wanted, String value) {
    return wanted == null || wanted.equals(value);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
