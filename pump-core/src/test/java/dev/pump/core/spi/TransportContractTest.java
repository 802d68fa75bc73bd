package dev.pump.core.spi;

// This file is long because it is the whole transport contract in one suite, which every transport
// subclasses; splitting it would let a transport pass half of it.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Transport} keeps. A transport module proves itself by subclassing this
 * suite (it ships in pump-core's test-jar) and supplying {@link #createTransport()}.
 *
 * <p>Hooks for the parts that differ between transports:
 *
 * <ul>
 *   <li>{@link #newQueueName()}: fresh names per test, so tests sharing a broker do not collide;
 *   <li>{@link #passTime(Duration)}: makes {@code duration} pass for the transport. A transport on
 *       an injectable clock moves it; a real one does nothing here, and the suite then waits for
 *       the message in real time (up to {@link #deliveryTimeout()} beyond the delay);
 *   <li>{@link #delayedDeliveryDelay()}: the delay the delayed-delivery tests use; keep it short on
 *       real time;
 *   <li>{@link #loseReceiver(ReceivedMessage)}: makes the transport lose track of who holds a
 *       received message, as when its process dies: a lease runs out, a connection or channel
 *       closes. Optional: without it, the test that needs it is skipped.
 * </ul>
 *
 * Promises a transport does not make ({@link TransportCapabilities}) are skipped, never faked.
 *
 * <p>Delivery counts are checked as "at least" where a broker can only tell first deliveries from
 * redeliveries (RabbitMQ classic queues report 1, then 2 for every redelivery).
 */
public abstract class TransportContractTest {
  private static final Duration SHORT_WAIT = Duration.ofMillis(200);

  /** The transport under test, fresh for each test. */
  protected Transport transport;

  /** For subclasses. */
  protected TransportContractTest() {}

  /** Creates the transport under test; called before each test. */
  protected abstract Transport createTransport();

  /** Returns a queue name no other test uses. */
  protected String newQueueName() {
    return "contract-" + UUID.randomUUID();
  }

  /** Makes {@code duration} pass for the transport; real-time transports do nothing. */
  protected void passTime(Duration duration) {}

  /** The delay used by the delayed-delivery tests. */
  protected Duration delayedDeliveryDelay() {
    return Duration.ofSeconds(2);
  }

  /**
   * Makes the transport behave as if the receiver of {@code received} died without settling it: a
   * lease expires, or the connection, channel or transaction it was received on goes away. The
   * message must then be delivered again. The default skips the test that uses it.
   */
  protected void loseReceiver(ReceivedMessage received) {
    assumeTrue(false, "the subclass does not implement loseReceiver");
  }

  /** How long the suite waits for a message that should arrive. */
  protected Duration deliveryTimeout() {
    return Duration.ofSeconds(10);
  }

  @BeforeEach
  void createTransportUnderTest() {
    transport = createTransport();
  }

  @AfterEach
  void closeTransportUnderTest() {
    if (transport != null) {
      transport.close();
    }
  }

  @Test
  void aSentMessageIsReceivedWithItsIdHeadersAndBody() throws Exception {
    String queue = queue();
    transport.send(queue, List.of(message("m-1", "hello")));

    ReceivedMessage received = receive(queue);

    assertThat(received.messageId()).isEqualTo("m-1");
    assertThat(received.queue()).isEqualTo(queue);
    assertThat(received.headers()).containsEntry("pump.message-id", "m-1");
    assertThat(received.headers()).containsEntry("test.header", "value");
    assertThat(new String(received.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(received.deliveryCount()).isEqualTo(1);
    received.complete();
  }

  @Test
  void everyMessageOfABatchSendIsDelivered() throws Exception {
    String queue = queue();
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(message("b-" + i, "body " + i));
    }

    transport.send(queue, batch);

    Set<String> ids = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 50; i++) {
      ReceivedMessage received = receive(queue);
      ids.add(received.messageId());
      received.complete();
    }
    assertThat(ids).hasSize(50);
    assertThat(transport.receive(queue, SHORT_WAIT)).isEmpty();
  }

  @Test
  void aCompletedMessageIsNotDeliveredAgain() throws Exception {
    String queue = queue();
    transport.send(queue, List.of(message("done", "x")));

    receive(queue).complete();

    assertThat(transport.receive(queue, SHORT_WAIT)).isEmpty();
  }

  @Test
  void anAbandonedMessageIsDeliveredAgainWithAHigherDeliveryCount() throws Exception {
    String queue = queue();
    transport.send(queue, List.of(message("again", "x")));

    receive(queue).abandon(Duration.ZERO);
    ReceivedMessage second = receive(queue);

    assertThat(second.messageId()).isEqualTo("again");
    assertThat(second.deliveryCount()).isGreaterThanOrEqualTo(2);
    second.complete();
  }

  @Test
  void anUnsettledMessageComesBackWhenItsReceiverGoesAway() throws Exception {
    String queue = queue();
    transport.send(queue, List.of(message("orphaned", "x")));
    ReceivedMessage first = receive(queue);

    loseReceiver(first);

    ReceivedMessage again = receive(queue);
    assertThat(again.messageId()).isEqualTo("orphaned");
    assertThat(again.deliveryCount()).isGreaterThanOrEqualTo(2);
    again.complete();
  }

  @Test
  void theFirstSettleCallWinsAndLaterOnesChangeNothing() throws Exception {
    String queue = queue();
    transport.send(queue, List.of(message("settled-once", "x"), message("abandoned-once", "x")));

    ReceivedMessage completed = receive(queue);
    completed.complete();
    laterSettle(() -> completed.abandon(Duration.ZERO)); // must not bring it back
    laterSettle(completed::complete);
    ReceivedMessage abandoned = receive(queue);
    abandoned.abandon(Duration.ZERO);
    ReceivedMessage redelivered = receive(queue);
    laterSettle(abandoned::complete); // must not remove the redelivery
    assertThat(redelivered.messageId()).isEqualTo(abandoned.messageId());
    redelivered.complete();

    assertThat(completed.messageId()).isNotEqualTo(abandoned.messageId());
    assertThat(transport.receive(queue, SHORT_WAIT)).isEmpty();
    // and the transport still works (a broker must not have closed the channel over it)
    transport.send(queue, List.of(message("after", "x")));
    receive(queue).complete();
  }

  @Test
  void aReceivedMessageIsInvisibleToOtherReceiversUntilSettled() throws Exception {
    String queue = queue();
    transport.send(queue, List.of(message("leased", "x")));

    ReceivedMessage first = receive(queue);

    assertThat(transport.receive(queue, SHORT_WAIT)).isEmpty();
    first.abandon(Duration.ZERO);
    receive(queue).complete();
  }

  @Test
  void receiveReturnsNothingWhenTheQueueStaysEmpty() throws Exception {
    assertThat(transport.receive(queue(), SHORT_WAIT)).isEmpty();
  }

  @Test
  void anInterruptEndsAWaitingReceive() throws Exception {
    String queue = queue();
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    Thread receiver =
        Thread.ofPlatform()
            .start(() -> {
              started.countDown();
              try {
                transport.receive(queue, Duration.ofMinutes(5));
                outcome.set(new AssertionError("receive returned instead of being interrupted"));
              } catch (Throwable t) {
                outcome.set(t);
              }
            });
    started.await();

    receiver.interrupt();

    await().atMost(deliveryTimeout()).until(() -> outcome.get() != null);
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void aDelayedMessageBecomesVisibleOnlyAfterItsDelay() throws Exception {
    assumeTrue(transport.capabilities().delayedDelivery(), "transport has no delayed delivery");
    String queue = queue();
    Duration delay = delayedDeliveryDelay();
    transport.send(queue, List.of(message("later", "x").withDelay(delay)));

    assertThat(transport.receive(queue, Duration.ZERO)).isEmpty();
    passTime(delay);

    ReceivedMessage received = receiveWithin(queue, delay.plus(deliveryTimeout()));
    assertThat(received.messageId()).isEqualTo("later");
    received.complete();
  }

  @Test
  void aMessageAbandonedWithADelayComesBackAfterTheDelay() throws Exception {
    assumeTrue(transport.capabilities().delayedDelivery(), "transport has no delayed delivery");
    String queue = queue();
    Duration delay = delayedDeliveryDelay();
    transport.send(queue, List.of(message("backoff", "x")));

    receive(queue).abandon(delay);

    assertThat(transport.receive(queue, Duration.ZERO)).isEmpty();
    passTime(delay);
    ReceivedMessage again = receiveWithin(queue, delay.plus(deliveryTimeout()));
    assertThat(again.deliveryCount()).isGreaterThanOrEqualTo(2);
    again.complete();
  }

  @Test
  void aPublishedMessageReachesEverySubscribedQueueOnce() throws Exception {
    String billing = queue();
    String shipping = queue();
    String bystander = queue();
    transport.createQueue(bystander);
    transport.subscribe("contract.OrderPlaced", billing);
    transport.subscribe("contract.OrderEvent", billing); // subscribed twice over: still once
    transport.subscribe("contract.OrderEvent", shipping);

    transport.publish(
        List.of("contract.OrderPlaced", "contract.OrderEvent"), List.of(message("evt", "x")));

    assertThat(receive(billing).messageId()).isEqualTo("evt");
    assertThat(receive(shipping).messageId()).isEqualTo("evt");
    assertThat(transport.receive(billing, SHORT_WAIT)).isEmpty();
    assertThat(transport.receive(bystander, Duration.ZERO)).isEmpty();
  }

  @Test
  void anUnsubscribedQueueReceivesNoMorePublishedMessages() throws Exception {
    String queue = queue();
    transport.subscribe("contract.Unsubscribed", queue);
    transport.unsubscribe("contract.Unsubscribed", queue);

    transport.publish(List.of("contract.Unsubscribed"), List.of(message("gone", "x")));

    assertThat(transport.receive(queue, SHORT_WAIT)).isEmpty();
  }

  @Test
  void competingConsumersEachReceiveDistinctMessages() throws Exception {
    String queue = queue();
    int count = 200;
    int consumerCount = 4;
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(message("c-" + i, "x"));
    }
    transport.send(queue, batch);
    Map<String, Integer> receivedBy = new ConcurrentHashMap<>();
    // every consumer holds its first message until all of them hold one: proof that they compete
    // for the queue side by side rather than one draining it alone
    CountDownLatch allHoldingOne = new CountDownLatch(consumerCount);
    ExecutorService consumers = Executors.newFixedThreadPool(consumerCount);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < consumerCount; c++) {
        int consumer = c;
        running.add(
            consumers.submit(() -> {
              boolean first = true;
              while (receivedBy.size() < count) {
                Optional<ReceivedMessage> next = transport.receive(queue, SHORT_WAIT);
                if (next.isEmpty()) {
                  continue;
                }
                Integer previous = receivedBy.putIfAbsent(next.get().messageId(), consumer);
                assertThat(previous).as("delivered twice").isNull();
                if (first) {
                  first = false;
                  allHoldingOne.countDown();
                  assertThat(allHoldingOne.await(30, TimeUnit.SECONDS)).isTrue();
                }
                next.get().complete();
              }
              return null;
            }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      consumers.shutdownNow();
    }
    assertThat(receivedBy).hasSize(count);
    assertThat(Set.copyOf(receivedBy.values())).hasSize(consumerCount);
  }

  @Test
  void aOneMebibytePayloadArrivesIntact() throws Exception {
    assumeTrue(
        transport.capabilities().maxMessageBytes() >= 1024 * 1024,
        "transport does not take 1 MiB messages");
    String queue = queue();
    byte[] body = new byte[1024 * 1024];
    ThreadLocalRandom.current().nextBytes(body);

    transport.send(queue, List.of(OutgoingMessage.of("big", headers("big"), body)));

    ReceivedMessage received = receive(queue);
    assertThat(received.body()).isEqualTo(body);
    received.complete();
  }

  @Test
  void messagesAreReceivedInSendOrderWhenTheTransportPromisesOrder() throws Exception {
    assumeTrue(transport.capabilities().orderedQueues(), "transport does not promise order");
    String queue = queue();
    for (int i = 0; i < 20; i++) {
      transport.send(queue, List.of(message("o-" + i, "x")));
    }
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ReceivedMessage received = receive(queue);
      order.add(received.messageId());
      received.complete();
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("o-" + i);
    }
    assertThat(order).containsExactlyElementsOf(expected);
  }

  @Test
  void theMessagesOfOneBatchAreReceivedInBatchOrderWhenTheTransportPromisesOrder()
      throws Exception {
    assumeTrue(transport.capabilities().orderedQueues(), "transport does not promise order");
    String queue = queue();
    List<OutgoingMessage> batch = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(message("batch-" + i, "x"));
      expected.add("batch-" + i);
    }
    transport.send(queue, batch);

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ReceivedMessage received = receive(queue);
      order.add(received.messageId());
      received.complete();
    }
    assertThat(order).containsExactlyElementsOf(expected);
  }

  @Test
  void capabilitiesDescribeAPositiveMessageSize() {
    assertThat(transport.capabilities().maxMessageBytes()).isPositive();
  }

  @Test
  void aHostileQueueNameIsRefused() {
    assertThatThrownBy(() -> transport.send("orders'; drop table x;--", List.of(message("h", "x"))))
        .hasMessageContaining("orders'; drop table x;--");
  }

  @Test
  void aBatchReceiveTakesAtMostMaxMessagesAndEachOnce() throws Exception {
    String queue = queue();
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add(message("many-" + i, "x"));
    }
    transport.send(queue, batch);

    List<String> ids = new ArrayList<>();
    long deadline = System.nanoTime() + deliveryTimeout().toNanos();
    while (ids.size() < 10 && System.nanoTime() < deadline) {
      List<ReceivedMessage> received = transport.receive(queue, 4, SHORT_WAIT, Duration.ZERO);
      assertThat(received).hasSizeLessThanOrEqualTo(4);
      for (ReceivedMessage message : received) {
        ids.add(message.messageId());
        assertThat(message.deliveryCount()).isEqualTo(1);
      }
      received.forEach(ReceivedMessage::complete);
    }

    assertThat(ids).doesNotHaveDuplicates().hasSize(10);
    assertThat(transport.receive(queue, 4, SHORT_WAIT, Duration.ZERO)).isEmpty();
  }

  @Test
  void aBatchReceiveKeepsSendOrderWhenTheTransportPromisesOrder() throws Exception {
    assumeTrue(transport.capabilities().orderedQueues(), "transport does not promise order");
    assumeTrue(batchesReceives(), "the transport receives one message at a time");
    String queue = queue();
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      batch.add(message("ordered-" + i, "x"));
    }
    transport.send(queue, batch);

    List<String> order = new ArrayList<>();
    while (order.size() < 6) {
      List<ReceivedMessage> received =
          transport.receive(queue, 6, deliveryTimeout(), Duration.ZERO);
      assertThat(received).as("messages from " + queue).isNotEmpty();
      received.forEach(message -> order.add(message.messageId()));
      received.forEach(ReceivedMessage::complete);
    }

    assertThat(order)
        .containsExactly(
            "ordered-0", "ordered-1", "ordered-2", "ordered-3", "ordered-4", "ordered-5");
  }

  @Test
  void aRedeliveredMessageComesAloneInABatchReceive() throws Exception {
    String queue = queue();
    transport.send(queue, List.of(message("again-1", "x")));
    receive(queue).abandon(Duration.ZERO);
    transport.send(queue, List.of(message("fresh-1", "x"), message("fresh-2", "x")));

    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + deliveryTimeout().toNanos();
    while (seen.size() < 3 && System.nanoTime() < deadline) {
      List<ReceivedMessage> received = transport.receive(queue, 10, SHORT_WAIT, Duration.ZERO);
      for (ReceivedMessage message : received) {
        seen.add(message.messageId());
        if (message.deliveryCount() > 1) {
          assertThat(received).as("a batch holding a redelivered message").hasSize(1);
        }
      }
      received.forEach(ReceivedMessage::complete);
    }

    assertThat(seen).containsExactlyInAnyOrder("again-1", "fresh-1", "fresh-2");
  }

  @Test
  void oneMessageOfABatchAbandonedComesBackAndTheOthersStayCompleted() throws Exception {
    assumeTrue(batchesReceives(), "the transport receives one message at a time");
    String queue = queue();
    transport.send(
        queue, List.of(message("kept-1", "x"), message("returned", "x"), message("kept-2", "x")));
    List<ReceivedMessage> received = new ArrayList<>();
    long deadline = System.nanoTime() + deliveryTimeout().toNanos();
    while (received.size() < 3 && System.nanoTime() < deadline) {
      received.addAll(transport.receive(queue, 3 - received.size(), SHORT_WAIT, Duration.ZERO));
    }
    assertThat(received).hasSize(3);

    for (ReceivedMessage message : received) {
      if (message.messageId().equals("returned")) {
        message.abandon(Duration.ZERO);
      } else {
        message.complete();
      }
    }

    ReceivedMessage again = receive(queue);
    assertThat(again.messageId()).isEqualTo("returned");
    assertThat(again.deliveryCount()).isGreaterThanOrEqualTo(2);
    again.complete();
    assertThat(transport.receive(queue, 3, SHORT_WAIT, Duration.ZERO)).isEmpty();
  }

  @Test
  void aBatchReceiveWaitsForItsFillWaitForMoreMessages() throws Exception {
    assumeTrue(batchesReceives(), "the transport receives one message at a time");
    String queue = queue();
    transport.send(queue, List.of(message("early", "x")));
    CountDownLatch receiving = new CountDownLatch(1);
    ExecutorService receiver = Executors.newSingleThreadExecutor();
    try {
      Future<List<ReceivedMessage>> batch =
          receiver.submit(() -> {
            receiving.countDown();
            return transport.receive(queue, 3, deliveryTimeout(), deliveryTimeout());
          });
      receiving.await();
      transport.send(queue, List.of(message("late-1", "x"), message("late-2", "x")));

      List<ReceivedMessage> received =
          batch.get(deliveryTimeout().toSeconds() * 3, TimeUnit.SECONDS);

      assertThat(received)
          .extracting(ReceivedMessage::messageId)
          .containsExactlyInAnyOrder("early", "late-1", "late-2");
      received.forEach(ReceivedMessage::complete);
    } finally {
      receiver.shutdownNow();
    }
  }

  @Test
  void aBatchReceiveWithoutFillWaitReturnsWhatIsThere() throws Exception {
    String queue = queue();
    transport.send(queue, List.of(message("lonely", "x")));
    receive(queue).abandon(Duration.ZERO); // now surely buffered or visible
    ReceivedMessage again = receive(queue);
    again.complete();
    transport.send(queue, List.of(message("alone", "x")));
    Duration long_ = Duration.ofMinutes(2);

    long began = System.nanoTime();
    List<ReceivedMessage> received = transport.receive(queue, 10, long_, Duration.ZERO);

    assertThat(received).extracting(ReceivedMessage::messageId).containsExactly("alone");
    assertThat(Duration.ofNanos(System.nanoTime() - began))
        .as("a receive that has a message does not wait to fill its batch")
        .isLessThan(long_.dividedBy(2));
    received.getFirst().complete();
  }

  /** Whether the transport takes several messages in one receive; the default SPI takes one. */
  protected boolean batchesReceives() {
    return true;
  }

  // A settle call after the first may return normally or refuse with IllegalStateException.
  private static void laterSettle(Runnable settle) {
    try {
      settle.run();
    } catch (IllegalStateException refused) {
      // allowed: "settled already"
    }
  }

  /** A fresh queue, created. */
  protected String queue() {
    String queue = newQueueName();
    transport.createQueue(queue);
    return queue;
  }

  /** Receives one message, waiting up to {@link #deliveryTimeout()}. */
  protected ReceivedMessage receive(String queue) throws InterruptedException {
    return receiveWithin(queue, deliveryTimeout());
  }

  private ReceivedMessage receiveWithin(String queue, Duration timeout)
      throws InterruptedException {
    Optional<ReceivedMessage> received = transport.receive(queue, timeout);
    assertThat(received).as("a message from " + queue + " within " + timeout).isPresent();
    return received.get();
  }

  /** A message with an id, a test header and a text body. */
  protected static OutgoingMessage message(String id, String body) {
    return OutgoingMessage.of(id, headers(id), body.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> headers(String id) {
    return Map.of("pump.message-id", id, "test.header", "value");
  }
}
