package dev.pump.core.spi;

import dev.pump.core.Lifecycle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The service provider interface every transport implements: queues to receive from and send to,
 * and topics to publish to.
 *
 * <p>The SPI is <b>pull</b>-shaped: the pump acquires a concurrency permit and only then calls
 * {@link #receive}, so a flood of messages can never outrun the permits. A push broker adapts by
 * buffering deliveries with a prefetch equal to the pump's concurrency.
 *
 * <p>Sends are batched: the pump calls {@link #send} once per destination with every message the
 * handler sent there, so a transport can use one network round trip (or one SQL statement) per
 * batch. Queue and topic names reaching a transport are already validated (see {@linkplain
 * dev.pump.core##names names}).
 *
 * <p>Every method must be thread-safe: the pump receives on one thread while many message threads
 * send, complete and abandon concurrently. Failures are reported as {@link TransportException}.
 * Every transport is checked by the same contract test suite ({@code TransportContractTest}).
 */
public interface Transport extends Lifecycle {
  /** What this transport promises: delayed delivery, topics, ordering, message size. */
  TransportCapabilities capabilities();

  /**
   * The messaging system, as OpenTelemetry's {@code messaging.system} names it ({@code rabbitmq},
   * {@code kafka}), or Pump's own name for a system the conventions do not list. Default: {@code
   * pump}.
   */
  default String messagingSystem() {
    return "pump";
  }

  /**
   * Makes sure {@code queue} exists, creating it if needed. Idempotent. The endpoint calls it for
   * its input queue and error queue when it starts. The default does nothing, for transports whose
   * queues exist implicitly.
   */
  default void createQueue(String queue) {}

  /**
   * Takes the next visible message from {@code queue}, waiting up to {@code maxWait} for one. The
   * message stays invisible to other receivers until it is {@linkplain ReceivedMessage#complete()
   * completed} or {@linkplain ReceivedMessage#abandon(Duration) abandoned}, or until the
   * transport's own lease on it expires.
   *
   * <p>An interrupt must end the wait promptly with {@link InterruptedException} and must not lose
   * a message: either the call returns it, or it stays in the queue.
   *
   * @return the message, or empty if none became visible within {@code maxWait}
   * @throws InterruptedException if the thread was interrupted while waiting
   * @throws TransportException if the transport cannot be reached
   */
  Optional<ReceivedMessage> receive(String queue, Duration maxWait) throws InterruptedException;

  /**
   * Takes up to {@code max} visible messages from {@code queue} at once, for an endpoint that
   * handles several messages in one database transaction. It waits up to {@code maxWait} for the
   * first; once it has one, it takes what else is visible now, and waits up to {@code fillWait}
   * more for the rest only if that is positive (zero: a quiet queue keeps single-message latency).
   *
   * <p>Two rules let the pump run the returned messages together:
   *
   * <ul>
   *   <li>A message delivered before ({@link ReceivedMessage#deliveryCount()} above 1) comes
   *       <b>alone</b>: a list holding one holds nothing else. The pump runs such a message alone
   *       in its process; it may be what crashed the last one.
   *   <li>The messages of one list may share one transaction (the PostgreSQL queue claims them all
   *       in one): the pump processes them <b>in order on one thread</b>, and settles every one of
   *       them; once the last is settled, the shared transaction ends.
   * </ul>
   *
   * <p>Interrupts and failures behave as for {@link #receive(String, Duration)}. The default
   * receives one message that way.
   *
   * @return the messages, oldest first; empty if none became visible within {@code maxWait}
   * @throws InterruptedException if the thread was interrupted while waiting
   * @throws TransportException if the transport cannot be reached
   */
  default List<ReceivedMessage> receive(String queue, int max, Duration maxWait, Duration fillWait)
      throws InterruptedException {
    return receive(queue, maxWait).map(List::of).orElse(List.of());
  }

  /**
   * Sends a batch of messages to one queue, in one operation where the transport can. On failure,
   * none, some or all of the batch may have been sent: callers retry the whole batch and receivers
   * deduplicate by message id.
   *
   * @throws TransportException if the batch could not be sent
   */
  void send(String queue, List<OutgoingMessage> batch);

  /**
   * Publishes a batch of messages of one type to every queue subscribed to <em>at least one</em> of
   * {@code topics}, each queue receiving each message once. {@code topics} lists the message type's
   * own topic first, then its supertypes' and interfaces'; so a subscriber to an interface receives
   * every implementation. A transport with native topics may bind the topic hierarchy on the
   * broker; one without resolves subscribers from its subscription store.
   *
   * @throws TransportException if the batch could not be published
   */
  void publish(List<String> topics, List<OutgoingMessage> batch);

  /** Subscribes {@code queue} to {@code topic}. Idempotent. */
  void subscribe(String topic, String queue);

  /** Removes the subscription of {@code queue} to {@code topic}, if any. Idempotent. */
  void unsubscribe(String topic, String queue);

  /**
   * Reads queues without taking their messages, for operators (listing an error queue, taking one
   * message of it), if the transport can; see {@link QueueBrowser}. Default: none.
   */
  default Optional<QueueBrowser> browser() {
    return Optional.empty();
  }

  /** Does nothing unless a transport needs it: a transport is ready to use once built. */
  @Override
  default void start() {}

  /** Closes the transport: nothing it does waits for work in flight, which its endpoints own. */
  @Override
  default void stop(Duration grace) {
    close();
  }

  /**
   * Releases the transport's resources. Messages received but not completed come back to their
   * queues. Endpoints never close the transport they were given: its owner (or the {@link
   * dev.pump.core.Service} it was given to) does.
   */
  @Override
  void close();
}
