package dev.pump.jdbc;

// Past 400 lines because it is the operations API's one entry point and holds the records its
// callers (the Actuator endpoint, the metrics sampler) import; the work is in internal/operations.

import dev.pump.core.Headers;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.recoverability.FailedMessages;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.internal.StorageRuntime;
import dev.pump.jdbc.internal.operations.BrowsedErrorQueue;
import dev.pump.jdbc.internal.operations.FailedRowStore;
import dev.pump.jdbc.internal.operations.Inputs;
import dev.pump.jdbc.internal.operations.ParkedRows;
import dev.pump.jdbc.internal.operations.SqlErrorQueue;
import dev.pump.jdbc.internal.operations.ThroughputQuery;
import dev.pump.jdbc.internal.operations.TraceQuery;
import dev.pump.jdbc.internal.queue.ClaimedMessage;
import dev.pump.jdbc.internal.queue.QueueStore;
import dev.pump.jdbc.internal.sql.HeadersJson;
import dev.pump.jdbc.internal.sql.StatisticsQuery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * What an operator looks at and acts on, for one {@link JdbcStorage}: the outbox backlog, parked
 * outbox rows, PostgreSQL queues and their error queues, duplicates, and the retention purge. The
 * CLI, a web console and health endpoints build on it, so everything here returns plain records.
 * Each call is one short transaction of its own. Thread-safe.
 *
 * <pre>{@code
 * PumpOperations operations = storage.operations();
 * operations.outboxBacklog();          // per destination: pending, due, oldest age
 * operations.requeueParked("billing"); // after the destination is fixed
 * }</pre>
 */
public final class PumpOperations {
  /** The name the parked outbox rows go by, as an {@link ErrorQueue}: {@value}. */
  public static final String PARKED = "outbox";

  /** How much of a failed message's body {@link #failedMessages} shows: {@value} bytes. */
  public static final int BODY_PREVIEW_BYTES = 1024;

  private final JdbcStorage storage;
  private final StorageRuntime runtime;
  private final StatisticsQuery statistics;
  private final FailedRowStore failedRows;
  private final TraceQuery traces;
  private final ThroughputQuery throughput;

  PumpOperations(JdbcStorage storage) {
    this.storage = storage;
    this.runtime = storage.runtime();
    this.statistics = new StatisticsQuery(runtime.schema());
    this.failedRows = new FailedRowStore(runtime.schema());
    this.traces = new TraceQuery(runtime.schema());
    this.throughput = new ThroughputQuery(runtime.schema());
  }

  /**
   * The PostgreSQL error queue {@code errorQueue}, to list, filter, show, retry and discard its
   * messages. Cheap: call it per request.
   *
   * @throws dev.pump.core.PumpConfigurationException if the name is not a valid queue name
   */
  public ErrorQueue errorQueue(String errorQueue) {
    return new SqlErrorQueue(runtime, failedRows, errorQueue);
  }

  /**
   * The error queue {@code errorQueue} of {@code transport}, such as RabbitMQ's, read without
   * losing its messages ({@link Transport#browser()}); discards are audited in this storage's
   * {@code discarded_message} table. With a {@link PostgresTransport} on this storage, the same as
   * {@link #errorQueue(String)}.
   *
   * @throws IllegalArgumentException if the transport cannot read a queue without taking from it
   */
  public ErrorQueue errorQueue(Transport transport, String errorQueue) {
    Objects.requireNonNull(transport, "transport");
    if (transport instanceof PostgresTransport) {
      return errorQueue(errorQueue);
    }
    return new BrowsedErrorQueue(runtime, transport, errorQueue);
  }

  /** The outbox rows the dispatcher parked, as an {@link ErrorQueue} named {@value #PARKED}. */
  public ErrorQueue parkedRows() {
    return new ParkedRows(runtime, failedRows);
  }

  /**
   * The trace of message {@code messageId}: which endpoints handled it and when, what it caused,
   * recursively up to {@link MessageTrace#DEFAULT_DEPTH} levels and {@link
   * MessageTrace#DEFAULT_ROWS} sent messages, and where each is now. Three queries.
   */
  public MessageTrace trace(String messageId) {
    return trace(messageId, MessageTrace.DEFAULT_DEPTH, MessageTrace.DEFAULT_ROWS);
  }

  /**
   * The trace of message {@code messageId}, following what it caused {@code depth} levels deep (1
   * to {@value MessageTrace#MAX_DEPTH}) and showing at most {@code rows} sent messages (1 to
   * {@value MessageTrace#MAX_ROWS}).
   */
  public MessageTrace trace(String messageId, int depth, int rows) {
    Inputs.messageId(messageId);
    return read(h -> traces.trace(h, messageId, depth, rows));
  }

  /**
   * Messages handled and outbox rows relayed in the last hour, minute by minute, with how long due
   * rows waited for the dispatcher. One query over the inbox and outbox retention indexes.
   */
  public Throughput throughput() {
    return throughput(Duration.ofMinutes(Throughput.DEFAULT_WINDOW_MINUTES), Duration.ofMinutes(1));
  }

  /**
   * Messages handled and outbox rows relayed in the last {@code window}, per {@code interval}.
   *
   * @param window 1 minute to {@link Throughput#MAX_WINDOW}
   * @param interval whole seconds, from {@link Throughput#MIN_INTERVAL} to {@code window}, giving
   *     at most {@value Throughput#MAX_INTERVALS} whole intervals
   * @throws IllegalArgumentException if either is out of range, naming which
   */
  public Throughput throughput(Duration window, Duration interval) {
    return read(h -> throughput.read(h, window, interval));
  }

  /**
   * What a metrics sampler reads: the outbox per destination and every PostgreSQL queue, at one
   * moment.
   *
   * @param sampledAt when it was read
   * @param outbox per destination with rows not yet dispatched
   * @param queues per PostgreSQL queue holding messages (error queues included)
   * @param longestTransaction how long the oldest transaction open in the database has run, of
   *     every client session the database user may see ({@code pg_read_all_stats} sees all); zero
   *     when none is open. A long one holds back vacuum of the queue, inbox and outbox tables
   */
  public record Statistics(
      Instant sampledAt,
      List<OutboxStatistics> outbox,
      List<QueueDepth> queues,
      Duration longestTransaction) {
    /** Copies the lists. */
    public Statistics {
      outbox = List.copyOf(outbox);
      queues = List.copyOf(queues);
    }
  }

  /**
   * One destination's rows in the outbox.
   *
   * @param destination the queue, or the message type's topic
   * @param pending rows waiting to be dispatched
   * @param parked rows parked after too many failed sends
   * @param oldestPendingAge how long the oldest pending row has waited; zero when none waits
   */
  public record OutboxStatistics(
      String destination, long pending, long parked, Duration oldestPendingAge) {}

  /**
   * The outbox per destination and the depth of every PostgreSQL queue, in one query: for a sampler
   * on an interval, not per request (it reads the queue table whole).
   */
  public Statistics statistics() {
    return read(statistics::read);
  }

  /**
   * One destination's outbox backlog.
   *
   * @param destination the queue, or the message type's topic
   * @param pending rows not yet dispatched nor parked
   * @param due pending rows whose due time has come
   * @param oldestAge how long the oldest pending row has waited since it was written
   */
  public record Backlog(String destination, long pending, long due, Duration oldestAge) {}

  /**
   * One PostgreSQL queue's depth.
   *
   * @param queue the queue
   * @param messages its messages, visible or not (delayed, held by a receiver)
   * @param visible those a receive could take now
   * @param oldestAge how long the oldest has been in the queue
   */
  public record QueueDepth(String queue, long messages, long visible, Duration oldestAge) {}

  /**
   * An outbox row the dispatcher parked after its last allowed attempt.
   *
   * @param id the outbox row id
   * @param destination its queue, or its message type's topic for a publish
   * @param messageId the message id
   * @param attempts failed attempts made
   * @param lastError the last failure
   * @param parkedAt when it was parked
   */
  public record Parked(
      long id,
      String destination,
      String messageId,
      int attempts,
      String lastError,
      Instant parkedAt) {}

  /**
   * A message in a PostgreSQL error queue, as the endpoint that gave up on it left it.
   *
   * @param messageId the message id
   * @param failedQueue the queue it failed in ({@link Headers#FAILED_QUEUE}), null if unknown
   * @param reason why it was given up on ({@link Headers#FAILURE_REASON}), null if unknown
   * @param exceptionType the failure's exception class, null if none
   * @param exceptionMessage the failure's message, null if none
   * @param headers all its headers
   * @param bodyPreview the start of its body as UTF-8, at most {@link #BODY_PREVIEW_BYTES} bytes
   * @param bodyBytes the body's whole size
   * @param enqueuedAt when it reached the error queue
   */
  public record FailedMessage(
      String messageId,
      String failedQueue,
      String reason,
      String exceptionType,
      String exceptionMessage,
      Map<String, String> headers,
      String bodyPreview,
      int bodyBytes,
      Instant enqueuedAt) {}

  /** The outbox backlog per destination, for monitoring: one query. */
  public List<Backlog> outboxBacklog() {
    return read(h -> runtime.outbox().backlog(h));
  }

  /**
   * The depth of every PostgreSQL queue that holds messages. It reads the whole queue table, so
   * call it for a dashboard, not in a tight loop.
   */
  public List<QueueDepth> queueDepths() {
    return read(h -> runtime.queues().depths(h));
  }

  /** The oldest {@code limit} parked outbox rows. */
  public List<Parked> parked(int limit) {
    return read(h -> runtime.outbox().parked(h, limit));
  }

  /**
   * Re-queues the parked rows with these ids (others are ignored): due now, attempts from zero, the
   * last error kept for the audit trail; dispatchers here and elsewhere are woken.
   *
   * @return how many
   */
  public int requeueParked(long... ids) {
    return requeue(false, ids, null);
  }

  /** Re-queues the parked rows to {@code destination}, as {@link #requeueParked(long...)}. */
  public int requeueParked(String destination) {
    Names.require("destination", destination);
    return requeue(false, new long[0], destination);
  }

  /** Re-queues every parked row, as {@link #requeueParked(long...)}. */
  public int requeueAllParked() {
    return requeue(true, new long[0], null);
  }

  private int requeue(boolean all, long[] ids, String destination) {
    int count = read(h -> runtime.outbox().requeueParked(h, all, ids, destination));
    runtime.outboxCommitted();
    return count;
  }

  /**
   * The first {@code limit} messages of the PostgreSQL queue {@code errorQueue}, with why they
   * failed, read without taking them.
   */
  public List<FailedMessage> failedMessages(String errorQueue, int limit) {
    Names.require("errorQueue", errorQueue);
    return read(h -> runtime.queues().peek(h, errorQueue, limit, BODY_PREVIEW_BYTES)).stream()
        .map(PumpOperations::failed)
        .toList();
  }

  /**
   * The message {@code messageId} in the PostgreSQL queue {@code errorQueue}, with why it failed
   * (its stack trace is the header {@link Headers#STACK_TRACE}), read without taking it; the first
   * copy if it failed more than once.
   */
  public Optional<FailedMessage> failedMessage(String errorQueue, String messageId) {
    Names.require("errorQueue", errorQueue);
    Objects.requireNonNull(messageId, "messageId");
    return read(h -> runtime.queues().peek(h, errorQueue, messageId, BODY_PREVIEW_BYTES))
        .map(PumpOperations::failed);
  }

  /**
   * Discards the failed message {@code messageId} (every copy of it) from the PostgreSQL queue
   * {@code errorQueue}: it moves, whole, into the {@code discarded_message} table with its failure
   * reason, {@code discardedBy} and the time, in one statement, so nothing of it is lost and the
   * audit says who discarded what and when.
   *
   * @param discardedBy who discards it, for the audit: a user name, 1 to 200 characters
   * @return how many copies were discarded; 0 if none was there
   */
  public int discardFailed(String errorQueue, String messageId, String discardedBy) {
    Names.require("errorQueue", errorQueue);
    Objects.requireNonNull(messageId, "messageId");
    String by = Inputs.operator(discardedBy);
    return read(h -> runtime.discards().discardFromErrorQueue(h, errorQueue, messageId, by));
  }

  /**
   * Discards as {@link #discardFailed(String, String, String)}, recording the operating-system user
   * of this process as who discarded it.
   */
  public int discardFailed(String errorQueue, String messageId) {
    return discardFailed(errorQueue, messageId, processUser());
  }

  /**
   * Discards the parked outbox row {@code id}: it moves, whole, into the {@code discarded_message}
   * table with its last error, {@code discardedBy} and the time. A row that is not parked (pending
   * or dispatched) is left alone.
   *
   * @param discardedBy who discards it, for the audit: a user name, 1 to 200 characters
   * @return whether a parked row {@code id} was discarded
   */
  public boolean discardParked(long id, String discardedBy) {
    String by = Inputs.operator(discardedBy);
    return read(h -> runtime.discards().discardParked(h, id, by));
  }

  /**
   * Discards as {@link #discardParked(long, String)}, recording the operating-system user of this
   * process as who discarded it.
   */
  public boolean discardParked(long id) {
    return discardParked(id, processUser());
  }

  /** The newest {@code limit} discards, newest first: the audit of what operators discarded. */
  public List<Discarded> discarded(int limit) {
    return read(h -> runtime.discards().newest(h, limit)).stream()
        .map(d ->
            new Discarded(
                d.id(),
                d.source(),
                d.location(),
                d.messageId(),
                d.reason(),
                d.discardedBy(),
                d.discardedAt()))
        .toList();
  }

  /**
   * A message an operator discarded, as the audit keeps it (its headers and body are kept too, in
   * the {@code discarded_message} table).
   *
   * @param id the audit row's id
   * @param source {@code error-queue} or {@code outbox}
   * @param location the error queue it was in, or the outbox row's destination
   * @param messageId the message id
   * @param reason why it had failed, if known
   * @param discardedBy who discarded it
   * @param discardedAt when
   */
  public record Discarded(
      long id,
      String source,
      String location,
      String messageId,
      String reason,
      String discardedBy,
      Instant discardedAt) {}

  private static String processUser() {
    String user = System.getProperty("user.name");
    return user == null || user.isBlank() ? "unknown" : user;
  }

  private static FailedMessage failed(QueueStore.Peeked message) {
    Map<String, String> headers;
    try {
      headers = Map.copyOf(HeadersJson.read(message.headersJson()));
    } catch (IllegalArgumentException e) {
      headers = Map.of(ClaimedMessage.UNREADABLE_HEADERS, message.headersJson());
    }
    return new FailedMessage(
        message.messageId(),
        headers.get(Headers.FAILED_QUEUE),
        headers.get(Headers.FAILURE_REASON),
        headers.get(Headers.EXCEPTION_TYPE),
        headers.get(Headers.EXCEPTION_MESSAGE),
        headers,
        new String(message.bodyPreview(), StandardCharsets.UTF_8),
        message.bodyBytes(),
        message.enqueuedAt());
  }

  /**
   * Moves the failed message {@code messageId} from the PostgreSQL queue {@code errorQueue} back to
   * the queue it failed in, without its failure headers (as {@link FailedMessages#retry}).
   *
   * @return whether it was found and moved
   */
  public boolean retryFailed(String errorQueue, String messageId) {
    return failedMessagesOf(errorQueue).retry(messageId);
  }

  /**
   * Moves every message of the PostgreSQL queue {@code errorQueue} back to the queue it failed in,
   * each at most once (as {@link FailedMessages#retryAll}).
   *
   * @return how many were moved
   */
  public int retryAllFailed(String errorQueue) {
    return failedMessagesOf(errorQueue).retryAll();
  }

  private FailedMessages failedMessagesOf(String errorQueue) {
    return FailedMessages.of(PostgresTransport.withoutListening(storage), errorQueue);
  }

  /**
   * How many duplicate messages the inbox has skipped in this process since the storage was built.
   */
  public long duplicatesSkipped() {
    return runtime.duplicates().sum();
  }

  /** How many duplicates the inbox rows still kept have counted, by every process. */
  public long duplicatesRecorded() {
    return read(h -> runtime.inbox().duplicatesRecorded(h));
  }

  /**
   * Purges what the retention windows no longer keep, now; see {@link RetentionCleaner}.
   *
   * @return what was purged
   */
  public RetentionCleaner.Purged purgeExpired() {
    return RetentionCleaner.builder().storage(storage).build().purge();
  }

  private <T> T read(Function<Handle, T> query) {
    return runtime.jdbi().withHandle(query::apply);
  }
}
