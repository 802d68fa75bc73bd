package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.SendOptions;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.rabbitmq.RabbitMqTransport.PublishStatistics;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The transport is called from several threads at once (the outbox dispatcher sends to its
 * destinations side by side): each call publishes on a channel of its own and waits for that
 * channel's confirms, so no batch waits for, or is failed by, another's.
 */
@ExtendWith(PostgresExtension.class)
class RabbitMqConcurrentSendTest {
  private BrokerAdmin admin;
  private RabbitMqTransport transport;

  @BeforeEach
  void connect() throws Exception {
    admin = new BrokerAdmin(); // skips (or fails, in CI) here when there is no broker
  }

  private void open(QueueType queueType) {
    transport =
        RabbitMqTransport.builder()
            .uri(RabbitMqBroker.uri())
            .connectionName("pump-concurrent-send-test")
            .queueType(queueType)
            .build();
  }

  @AfterEach
  void closeEverything() throws Exception {
    if (transport != null) {
      transport.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void sendsFromManyThreadsAtOnceAreEachConfirmedAndAnUnroutableOneFailsAlone() throws Exception {
    open(QueueType.QUORUM); // confirmed once replicated: the slow confirms parallel sends overlap
    List<String> queues = new ArrayList<>();
    for (int q = 0; q < 4; q++) {
      queues.add(admin.queueName("concurrent"));
      transport.createQueue(queues.getLast());
    }
    String missing = admin.queueName("missing"); // never created
    int threads = 8;
    int batches = 5;
    int size = 40;
    PublishStatistics before = transport.publishStatistics();
    CountDownLatch go = new CountDownLatch(1);
    Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    Queue<String> unroutable = new ConcurrentLinkedQueue<>();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String queue = queues.get(t % queues.size());
      String prefix = "t" + t;
      senders.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  go.await();
                  for (int b = 0; b < batches; b++) {
                    transport.send(queue, messages(prefix, b, size));
                  }
                } catch (Throwable e) {
                  unexpected.add(e);
                }
              }));
    }
    senders.add(
        Thread.ofVirtual()
            .start(() -> {
              try {
                go.await();
                for (int b = 0; b < batches; b++) {
                  try {
                    transport.send(missing, messages("lost", b, size));
                    unexpected.add(new AssertionError("a send to a missing queue succeeded"));
                  } catch (TransportException e) {
                    unroutable.add(e.getMessage());
                  }
                }
              } catch (Throwable e) {
                unexpected.add(e);
              }
            }));

    go.countDown();
    for (Thread sender : senders) {
      assertThat(sender.join(Duration.ofSeconds(60))).isTrue();
    }

    assertThat(unexpected).isEmpty();
    assertThat(unroutable)
        .hasSize(batches)
        .allSatisfy(m -> assertThat(m).contains("could not route " + size + " of " + size));
    PublishStatistics after = transport.publishStatistics();
    assertThat(after.batchesConfirmed() - before.batchesConfirmed()).isEqualTo(threads * batches);
    assertThat(after.messagesConfirmed() - before.messagesConfirmed())
        .isEqualTo((long) threads * batches * size);
    assertThat(after.confirmWaits() - before.confirmWaits()).isEqualTo((threads + 1) * batches);
    for (int q = 0; q < queues.size(); q++) {
      List<String> ids = admin.takeMessageIds(queues.get(q));
      assertThat(ids).hasSize(threads / queues.size() * batches * size).doesNotHaveDuplicates();
      for (int t = q; t < threads; t += queues.size()) {
        String prefix = "t" + t + "-";
        // each thread's messages in the order it sent them, whatever ran beside it
        assertThat(ids.stream().filter(id -> id.startsWith(prefix)).toList())
            .containsExactlyElementsOf(ids(prefix, batches, size));
      }
    }
  }

  @Test
  void theDispatcherRelaysManyDestinationsSideBySideEachInOrder(TestDatabase db) throws Exception {
    open(QueueType.CLASSIC); // twenty quorum queues take seconds to declare and delete
    JdbcStorage storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    List<String> queues = new ArrayList<>();
    for (int q = 0; q < 20; q++) {
      queues.add(admin.queueName("drain"));
      transport.createQueue(queues.getLast());
    }
    int perQueue = 55;
    Endpoint web = Endpoint.builder().name("web").transport(transport).storage(storage).build();
    storage.inTransaction(
        web,
        (handle, sender) -> {
          for (int i = 0; i < perQueue; i++) {
            for (String queue : queues) {
              sender.send(
                  queue, new Ping(i), SendOptions.builder().messageId(queue + "-" + i).build());
            }
          }
          return null;
        });
    PublishStatistics before = transport.publishStatistics();
    OutboxDispatcher dispatcher =
        OutboxDispatcher.builder().storage(storage).transport(transport).build();
    dispatcher.start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> dispatcher.counters().rowsDispatched() == 20L * perQueue);
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(
              () -> storage.operations().outboxBacklog().stream().allMatch(b -> b.pending() == 0));
    } finally {
      dispatcher.stop(Duration.ofSeconds(10));
    }

    assertThat(dispatcher.counters().batchesFailed()).isZero();
    assertThat(transport.publishStatistics().batchesConfirmed() - before.batchesConfirmed())
        .isEqualTo(dispatcher.counters().batchesSent());
    for (String queue : queues) {
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < perQueue; i++) {
        expected.add(queue + "-" + i);
      }
      assertThat(admin.takeMessageIds(queue)).containsExactlyElementsOf(expected);
    }
  }

  private static List<OutgoingMessage> messages(String prefix, int batch, int size) {
    List<OutgoingMessage> messages = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      messages.add(RabbitMqTransportTest.message(prefix + "-" + batch + "-" + i));
    }
    return messages;
  }

  private static List<String> ids(String prefix, int batches, int size) {
    List<String> ids = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      for (int i = 0; i < size; i++) {
        ids.add(prefix + b + "-" + i);
      }
    }
    return ids;
  }
}
