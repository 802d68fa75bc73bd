package dev.pump.rabbitmq;

import static dev.pump.rabbitmq.RabbitMqTransportTest.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.rabbitmq.RabbitMqTransport.ReceiveStatistics;
import dev.pump.testkit.TcpRelay;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch receive on RabbitMQ: several messages from what the consumer's prefetch holds, a
 * redelivered one alone, and the completed messages of one receive acknowledged together, with
 * {@code multiple} only over deliveries that are theirs.
 *
 * <p>Whether a message was acknowledged is read from the broker: the transport closes, the broker
 * requeues what it still holds, and the test waits for a message it left unsettled on purpose to
 * come back; anything acknowledged stays gone.
 */
class RabbitMqBatchReceiveTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration LONG_WAIT = Duration.ofMinutes(1);
  private static final Duration SHORT_WAIT = Duration.ofMillis(300);

  private BrokerAdmin admin;
  private TcpRelay proxy;
  private final List<RabbitMqTransport> transports = new ArrayList<>();

  @BeforeEach
  void connectAdmin() throws Exception {
    admin = new BrokerAdmin();
  }

  @AfterEach
  void closeEverything() throws IOException {
    transports.forEach(RabbitMqTransport::close);
    if (proxy != null) {
      proxy.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void aBatchReceiveReturnsTheBufferedMessagesInOrderAndNoMoreThanMax() throws Exception {
    RabbitMqTransport transport = transport(10);
    String queue = consumedQueue(transport);
    transport.send(queue, messages("b", 6));
    awaitReady(queue, 0); // all six pushed to the consumer

    assertThat(ids(transport.receive(queue, 4, WAIT, WAIT)))
        .containsExactly("b-0", "b-1", "b-2", "b-3");
    assertThat(ids(transport.receive(queue, 2, WAIT, WAIT))).containsExactly("b-4", "b-5");
    assertThat(transport.receive(queue, 10, SHORT_WAIT, Duration.ZERO)).isEmpty();
  }

  @Test
  void maxMustBeAtLeastOne() throws Exception {
    RabbitMqTransport transport = transport(10);
    String queue = consumedQueue(transport);

    assertThatThrownBy(() -> transport.receive(queue, 0, SHORT_WAIT, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max must be at least 1, was 0");
  }

  @Test
  void aRedeliveredMessageComesAloneAndFillingStopsBeforeIt() throws Exception {
    RabbitMqTransport transport = transport(10);
    String queue = consumedQueue(transport);
    transport.send(queue, messages("r", 3));
    awaitReady(queue, 0);
    ReceivedMessage first = transport.receive(queue, WAIT).orElseThrow();
    assertThat(first.messageId()).isEqualTo("r-0");
    first.abandon(Duration.ZERO); // delivered again behind r-1 and r-2, which the buffer holds

    // room for ten and a long fill: it stops at the redelivery instead
    List<ReceivedMessage> batch =
        assertTimeout(LONG_WAIT.dividedBy(2), () -> transport.receive(queue, 10, WAIT, LONG_WAIT));
    assertThat(ids(batch)).containsExactly("r-1", "r-2");
    assertThat(batch).allSatisfy(m -> assertThat(m.deliveryCount()).isEqualTo(1));

    // alone, without waiting to fill
    List<ReceivedMessage> alone =
        assertTimeout(LONG_WAIT.dividedBy(2), () -> transport.receive(queue, 10, WAIT, LONG_WAIT));
    assertThat(ids(alone)).containsExactly("r-0");
    assertThat(alone.get(0).deliveryCount()).isEqualTo(2);
  }

  @Test
  void aPositiveFillWaitCollectsMessagesThatArriveLater() throws Exception {
    RabbitMqTransport transport = transport(10);
    String queue = consumedQueue(transport);
    transport.send(queue, messages("early", 1));
    awaitReady(queue, 0);

    AtomicReference<List<ReceivedMessage>> received = new AtomicReference<>();
    Thread thread =
        new Thread(() -> {
          try {
            received.set(transport.receive(queue, 3, WAIT, LONG_WAIT));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    thread.start();
    // it holds the early message and waits for more
    await().atMost(WAIT).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
    transport.send(queue, messages("late", 1));
    transport.send(queue, messages("later", 1));

    thread.join(WAIT.toMillis()); // max reached: it returns long before its fill wait ends
    assertThat(thread.isAlive()).as("the receive returned once it had max").isFalse();
    assertThat(ids(received.get())).containsExactly("early-0", "late-0", "later-0");
  }

  @Test
  void aZeroFillWaitReturnsAtOnceWithWhatIsBuffered() throws Exception {
    RabbitMqTransport transport = transport(10);
    String queue = consumedQueue(transport);
    transport.send(queue, messages("z", 3));
    awaitReady(queue, 0);

    List<String> taken = new ArrayList<>();
    while (taken.size() < 3) {
      // room for ten, a long first wait: returns with what is there, not waiting for more
      List<ReceivedMessage> batch =
          assertTimeout(
              LONG_WAIT.dividedBy(2), () -> transport.receive(queue, 10, LONG_WAIT, Duration.ZERO));
      assertThat(batch).isNotEmpty();
      taken.addAll(ids(batch));
    }
    assertThat(taken).containsExactly("z-0", "z-1", "z-2");
  }

  @Test
  void receiversOnOneQueueAtOnceEachTakeDistinctMessages() throws Exception {
    int count = 60;
    RabbitMqTransport transport = transport(count);
    String queue = consumedQueue(transport);
    transport.send(queue, messages("c", count));
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<String> duplicates = new CopyOnWriteArrayList<>();
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();

    List<Thread> receivers = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      receivers.add(
          Thread.ofPlatform()
              .start(() -> {
                long deadline = System.nanoTime() + WAIT.toNanos();
                try {
                  while (seen.size() < count && System.nanoTime() < deadline) {
                    List<ReceivedMessage> batch =
                        transport.receive(queue, 7, SHORT_WAIT, Duration.ZERO);
                    sizes.add(batch.size());
                    for (ReceivedMessage message : batch) {
                      if (!seen.add(message.messageId())) {
                        duplicates.add(message.messageId());
                      }
                      message.complete();
                    }
                  }
                } catch (Throwable t) {
                  failures.add(t);
                }
              }));
    }
    for (Thread receiver : receivers) {
      receiver.join(WAIT.multipliedBy(2).toMillis());
    }

    assertThat(failures).isEmpty();
    assertThat(duplicates).isEmpty();
    assertThat(seen).hasSize(count);
    assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(7));
    assertThat(transport.receiveStatistics().messagesAcknowledged()).isEqualTo(count);
  }

  @Test
  void anInterruptDuringTheFillWaitLosesNoMessage() throws Exception {
    RabbitMqTransport transport = transport(10);
    String queue = consumedQueue(transport);
    transport.send(queue, messages("i", 1));
    awaitReady(queue, 0);

    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread thread =
        Thread.ofPlatform()
            .start(() -> {
              try {
                transport.receive(queue, 5, WAIT, LONG_WAIT);
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    await().atMost(WAIT).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
    thread.interrupt();
    thread.join(WAIT.toMillis());

    assertThat(thread.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    List<ReceivedMessage> again = transport.receive(queue, 5, WAIT, Duration.ZERO);
    assertThat(ids(again)).containsExactly("i-0");
    assertThat(again.get(0).deliveryCount()).isEqualTo(1); // still the same delivery
  }

  @Test
  void completingABatchAcknowledgesItWithOneMultipleAckAndNothingOfItComesBack() throws Exception {
    RabbitMqTransport transport = transport(10);
    String queue = consumedQueue(transport);
    transport.send(queue, messages("a", 4));
    transport.send(queue, messages("held", 1));
    awaitReady(queue, 0);
    List<ReceivedMessage> batch = transport.receive(queue, 4, WAIT, WAIT);
    ReceivedMessage held = transport.receive(queue, WAIT).orElseThrow(); // left unsettled
    assertThat(ids(batch)).containsExactly("a-0", "a-1", "a-2", "a-3");
    assertThat(held.messageId()).isEqualTo("held-0");

    for (int i = 0; i < 3; i++) {
      batch.get(i).complete();
    }
    assertThat(transport.receiveStatistics())
        .as("nothing acknowledged while the batch is open")
        .isEqualTo(new ReceiveStatistics(0, 0, 0));
    batch.get(3).complete();
    assertThat(transport.receiveStatistics()).isEqualTo(new ReceiveStatistics(1, 4, 0));

    assertThat(comesBackAfterClose(transport, queue)).containsExactly("held-0");
  }

  @Test
  void aBatchNeverAcknowledgesAnotherReceivesUnsettledMessage() throws Exception {
    RabbitMqTransport transport = transport(10);
    String queue = consumedQueue(transport);
    transport.send(queue, messages("m", 5));
    awaitReady(queue, 0);
    List<ReceivedMessage> first = transport.receive(queue, 2, WAIT, WAIT); // m-0, m-1
    ReceivedMessage between = transport.receive(queue, WAIT).orElseThrow(); // m-2, unsettled
    List<ReceivedMessage> last = transport.receive(queue, 2, WAIT, WAIT); // m-3, m-4
    assertThat(ids(first)).containsExactly("m-0", "m-1");
    assertThat(between.messageId()).isEqualTo("m-2");
    assertThat(ids(last)).containsExactly("m-3", "m-4");

    // above unsettled deliveries of others: one acknowledgement each
    last.forEach(ReceivedMessage::complete);
    assertThat(transport.receiveStatistics()).isEqualTo(new ReceiveStatistics(2, 2, 0));
    // the oldest deliveries of the channel: one multiple acknowledgement
    first.forEach(ReceivedMessage::complete);
    assertThat(transport.receiveStatistics()).isEqualTo(new ReceiveStatistics(3, 4, 0));

    assertThat(comesBackAfterClose(transport, queue)).containsExactly("m-2");
  }

  @Test
  void abandoningOneMessageOfABatchRedeliversOnlyThatOne() throws Exception {
    RabbitMqTransport transport = transport(10);
    String queue = consumedQueue(transport);
    transport.send(queue, messages("x", 3));
    awaitReady(queue, 0);
    List<ReceivedMessage> batch = transport.receive(queue, 3, WAIT, WAIT);
    assertThat(ids(batch)).containsExactly("x-0", "x-1", "x-2");

    batch.get(0).complete();
    batch.get(1).abandon(Duration.ZERO);
    batch.get(2).complete();

    // the requeued one is settled already, so one multiple acknowledgement covers both others
    assertThat(transport.receiveStatistics()).isEqualTo(new ReceiveStatistics(1, 2, 1));
    List<ReceivedMessage> again = transport.receive(queue, 3, WAIT, Duration.ZERO);
    assertThat(ids(again)).containsExactly("x-1");
    assertThat(again.get(0).deliveryCount()).isEqualTo(2);
    assertThat(transport.receive(queue, 3, SHORT_WAIT, Duration.ZERO)).isEmpty();

    assertThat(comesBackAfterClose(transport, queue)).containsExactly("x-1");
  }

  @Test
  void aMessageCompletedInABatchTheConnectionLostBeforeItsAckComesBack() throws Exception {
    proxy = new TcpRelay(RabbitMqBroker.host(), RabbitMqBroker.port());
    RabbitMqTransport transport =
        track(
            RabbitMqTransport.builder()
                .uri(proxy.uri(RabbitMqBroker.uri()))
                .connectionName("pump-batch-test")
                .prefetch(10)
                .networkRecoveryInterval(Duration.ofMillis(100))
                .build());
    String queue = consumedQueue(transport);
    transport.send(queue, messages("lost", 2));
    awaitReady(queue, 0);
    List<ReceivedMessage> batch = transport.receive(queue, 2, WAIT, WAIT);
    batch.get(0).complete(); // its acknowledgement waits for the rest of the batch

    proxy.cut();
    await()
        .atMost(WAIT)
        .untilAsserted(() ->
            assertThatThrownBy(() -> transport.receive(queue, SHORT_WAIT))
                .isInstanceOf(TransportException.class));
    assertThatThrownBy(() -> batch.get(1).complete())
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("lost-1");
    proxy.restore();

    // at least once: both come back, each alone, for the inbox to recognise the completed one
    List<String> back = new ArrayList<>();
    await()
        .atMost(WAIT)
        .until(() -> {
          try {
            for (ReceivedMessage m : transport.receive(queue, 2, SHORT_WAIT, Duration.ZERO)) {
              assertThat(m.deliveryCount()).isGreaterThan(1);
              back.add(m.messageId());
              m.complete();
            }
          } catch (TransportException e) {
            // still reconnecting
          }
          return back.size() >= 2;
        });
    assertThat(back).containsExactlyInAnyOrder("lost-0", "lost-1");
  }

  // closes the transport, so the broker requeues whatever it holds unacknowledged, waits for the
  // count to settle on the expected message coming back, and returns what came back
  private List<String> comesBackAfterClose(RabbitMqTransport transport, String queue)
      throws Exception {
    transport.close();
    awaitReady(queue, 1);
    return admin.takeMessageIds(queue);
  }

  private RabbitMqTransport transport(int prefetch) {
    return track(
        RabbitMqTransport.builder()
            .uri(RabbitMqBroker.uri())
            .connectionName("pump-batch-test")
            .prefetch(prefetch)
            .networkRecoveryInterval(Duration.ofMillis(200))
            .build());
  }

  private RabbitMqTransport track(RabbitMqTransport transport) {
    transports.add(transport);
    return transport;
  }

  // a queue whose consumer is already running, so what is sent is pushed into its buffer
  private String consumedQueue(RabbitMqTransport transport) throws InterruptedException {
    String queue = admin.queueName("batch");
    transport.createQueue(queue);
    assertThat(transport.receive(queue, 1, Duration.ZERO, Duration.ZERO)).isEmpty();
    return queue;
  }

  private void awaitReady(String queue, long count) {
    await().atMost(WAIT).until(() -> admin.readyMessages(queue) == count);
  }

  private static List<String> ids(List<ReceivedMessage> messages) {
    return messages.stream().map(ReceivedMessage::messageId).toList();
  }
}
