package dev.pump.test;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.SendOptions;
import dev.pump.jdbc.JdbcStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Pump running an application's endpoints on a real PostgreSQL, for tests of whole flows: start the
 * endpoints, send a message, {@link #awaitIdle() wait until nothing is left to do}, then assert on
 * what went where ({@link #outbox()}, {@link #sent}, {@link #published}) and what failed ({@link
 * #errorQueue()}). Its {@link #clock()} moves delayed retries and delayed sends without waiting.
 *
 * <p>Under {@link PumpTest} (plain JUnit 5) the kit builds the storage, the PostgreSQL queue
 * transport and the dispatcher, and the test starts its endpoints with {@link #start}. Under {@code
 * dev.pump.test.spring.AutoConfigurePumpTest} the application's own beans run, and {@link #start}
 * is refused. Thread-safe.
 */
public interface TestPump {
  /** How long {@link #awaitIdle()} waits before it fails: 30 seconds. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The endpoint name messages from {@link #send} and {@link #publish} come from: {@value}. */
  String SENDER = "test";

  /**
   * Builds and starts endpoints on the kit's PostgreSQL: each builder is given the kit's storage,
   * PostgreSQL queue transport, {@link #clock()} and a telemetry that tells the kit what the
   * endpoint handles; every other setting (name, handlers, routes, recoverability, concurrency) is
   * the test's. The endpoints stop when the test method ends.
   *
   * @throws UnsupportedOperationException under Spring, where the application's endpoints run
   */
  void start(EndpointBuilder... endpoints);

  /**
   * A running endpoint, by name.
   *
   * @throws IllegalArgumentException naming the endpoints there are, if none has that name
   */
  Endpoint endpoint(String name);

  /** The database: for the test's own tables and queries. */
  DataSource dataSource();

  /** The storage the endpoints run on (its schema is {@code pump} unless configured otherwise). */
  JdbcStorage storage();

  /**
   * Sends {@code message} to the queue {@code destination} in a transaction of its own, as a web
   * request would through the storage's transactional session; it comes from {@value #SENDER}, so
   * replies to it wait in the queue {@value #SENDER}.
   */
  default void send(String destination, Object message) {
    send(destination, message, SendOptions.DEFAULT);
  }

  /** Sends with options, as {@link #send(String, Object)}. */
  void send(String destination, Object message, SendOptions options);

  /** Publishes {@code event} in a transaction of its own, as {@link #send(String, Object)}. */
  default void publish(Object event) {
    publish(event, SendOptions.DEFAULT);
  }

  /** Publishes with options, as {@link #publish(Object)}. */
  void publish(Object event, SendOptions options);

  /** {@link #awaitIdle(Duration)} with {@link #DEFAULT_TIMEOUT}. */
  default void awaitIdle() {
    awaitIdle(DEFAULT_TIMEOUT);
  }

  /**
   * Waits until the flow is idle: no message is being handled, no message waits visible in the
   * input queue of a running endpoint, and no outbox row is due and not yet dispatched (checked
   * together, twice around one query, so work that moves from a queue to the outbox is never missed
   * in between). Work scheduled for later (a delayed send, a delayed retry, a send backing off)
   * does not count: it is what {@link #clock()} moves. It never sleeps for a fixed time: it checks
   * again whenever a message's handling ends, and at least every 50 ms.
   *
   * @throws AssertionError if a message failed since the previous wait (moved to an error queue, or
   *     put back for a delayed retry), listing each with its endpoint, the error queue's reason and
   *     the exception; or if {@code timeout} passed first, listing what is still pending. {@link
   *     #awaitFailures} is the wait for a test that expects failures
   */
  void awaitIdle(Duration timeout);

  /**
   * Waits until idle, as {@link #awaitIdle()}, and returns the failures since the previous wait, in
   * the order they happened.
   *
   * @throws AssertionError if nothing failed, or on a timeout, listing what is pending
   */
  List<Failure> awaitFailures();

  /** Every outbox row of the test, in the order written. */
  List<OutboxMessage> outbox();

  /**
   * The bodies of the messages sent (not published) to the queue {@code destination} whose type is
   * {@code type} (by its class name, or its {@code @MessageName} and aliases), in the order
   * written, read back with Pump's JSON serializer (under Spring, the application's {@code
   * Serializer} bean).
   */
  <T> List<T> sent(String destination, Class<T> type);

  /** The bodies of the events of {@code type} published, as {@link #sent}, in the order written. */
  <T> List<T> published(Class<T> type);

  /** The messages in every error queue, oldest first, with why each failed. */
  List<FailedMessage> errorQueue();

  /** The kit's clock, which moves delays without waiting. */
  TestClock clock();

  /**
   * One outbox row: a message sent, published or replied, in a handler or by {@link #send}.
   *
   * @param endpoint the endpoint that sent it
   * @param kind {@code send} or {@code publish}
   * @param destination the queue, or for a publish the topic of the event's type
   * @param messageType the wire name of the message's type
   * @param messageId its id
   * @param causationId the id of the message whose handler sent it; null from {@link #send}
   * @param headers all its headers
   * @param bodyJson the body as JSON text
   * @param state {@code pending}, {@code dispatched} or {@code parked}
   * @param dueAt when it is due (later than its writing for a delayed send)
   * @param attempts failed attempts to hand it to the transport
   * @param lastError the last of those failures, or null
   */
  record OutboxMessage(
      String endpoint,
      String kind,
      String destination,
      String messageType,
      String messageId,
      String causationId,
      Map<String, String> headers,
      String bodyJson,
      String state,
      Instant dueAt,
      int attempts,
      String lastError) {}

  /**
   * A message in an error queue, as the endpoint that gave up on it left it.
   *
   * @param errorQueue the error queue
   * @param failedQueue the queue it failed in
   * @param messageType the wire name of its type
   * @param messageId its id
   * @param reason why: {@code retries-exhausted}, {@code unrecoverable}, {@code
   *     too-many-deliveries}, or a policy's own
   * @param exceptionType the class name of the exception that failed it, or null
   * @param exceptionMessage its message, or null
   * @param headers all its headers
   * @param bodyJson the body as JSON text
   */
  record FailedMessage(
      String errorQueue,
      String failedQueue,
      String messageType,
      String messageId,
      String reason,
      String exceptionType,
      String exceptionMessage,
      Map<String, String> headers,
      String bodyJson) {}

  /**
   * A message whose handling failed for this round: moved to an error queue, or put back for a
   * delayed retry.
   *
   * @param endpoint the endpoint that handled it
   * @param messageType the wire name of its type
   * @param messageId its id
   * @param errorQueue the error queue it is in, or null when it waits for a delayed retry
   * @param reason the error queue's reason ({@code retries-exhausted}, ...), or {@code
   *     delayed-retry}
   * @param exception what the last attempt threw; null for a message parked without running
   */
  record Failure(
      String endpoint,
      String messageType,
      String messageId,
      String errorQueue,
      String reason,
      Throwable exception) {
    /** The reason of a failure that waits for a delayed retry. */
    public static final String DELAYED_RETRY = "delayed-retry";
  }
}
