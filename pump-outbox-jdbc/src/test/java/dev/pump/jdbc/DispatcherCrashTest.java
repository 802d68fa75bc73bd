package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.testing.ForwardingTransport;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.jdbc.internal.outbox.OutboxRow;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A dispatcher dies between sending a batch and marking it: its row locks go with its connection, a
 * second dispatcher sends those rows again, and the receiving endpoint's inbox absorbs the copies,
 * so every message is handled once.
 */
@ExtendWith(PostgresExtension.class)
class DispatcherCrashTest {

  @Test
  void rowsOfADispatcherKilledMidBatchAreTakenOverAndTheDuplicatesAbsorbed(TestDatabase db)
      throws Exception {
    JdbcStorage storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    int messages = 200;
    List<OutboxRow> rows = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      rows.add(
          new OutboxRow(
              "sink",
              null,
              "m-" + i,
              UnitOfWorkTest.headers(),
              UnitOfWorkTest.json(i),
              Duration.ZERO,
              null));
    }
    storage.jdbi().useTransaction(h -> storage.runtime().outbox().insert(h, "tests", null, rows));

    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (PostgresTransport queues = PostgresTransport.builder().storage(storage).build()) {
      CountDownLatch sentFirstBatch = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      OutboxDispatcher doomed =
          OutboxDispatcher.builder()
              .storage(storage)
              .transport(new StallAfterFirstSend(queues, sentFirstBatch, release))
              .build();
      OutboxDispatcher survivor =
          OutboxDispatcher.builder().storage(storage).transport(queues).build();
      Endpoint sink =
          Endpoint.builder()
              .name("sink")
              .transport(queues)
              .storage(storage)
              .handler(
                  Ping.class,
                  (ping, context) ->
                      runs.computeIfAbsent(context.messageId(), id -> new AtomicInteger())
                          .incrementAndGet())
              .build();
      try {
        sink.start();
        doomed.start();
        assertThat(sentFirstBatch.await(30, TimeUnit.SECONDS)).isTrue();
        // the first batch is on the queue but not marked: kill the dispatcher's connection
        int killed =
            storage
                .jdbi()
                .withHandle(h ->
                    h.createQuery(
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                                + " WHERE relation = 'pump.outbox'::regclass AND mode = 'RowShareLock'")
                        .mapTo(Integer.class)
                        .one());
        assertThat(killed).isEqualTo(1);
        survivor.start();

        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () -> runs.size() == messages && storage.operations().duplicatesSkipped() == 100);
        release.countDown();
      } finally {
        release.countDown();
        doomed.stop(Duration.ofSeconds(5));
        survivor.stop(Duration.ofSeconds(5));
        sink.stop(Duration.ofSeconds(5));
      }
    }
    assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    Long pending =
        storage
            .jdbi()
            .withHandle(h ->
                h.createQuery("SELECT count(*) FROM pump.outbox WHERE dispatched_at IS NULL")
                    .mapTo(Long.class)
                    .one());
    assertThat(pending).isZero();
  }

  /** Sends the first batch for real, then hangs until released, like a process about to die. */
  private static final class StallAfterFirstSend extends ForwardingTransport {
    private final CountDownLatch sent;
    private final CountDownLatch release;

    StallAfterFirstSend(Transport delegate, CountDownLatch sent, CountDownLatch release) {
      super(delegate);
      this.sent = sent;
      this.release = release;
    }

    @Override
    public void send(String queue, List<OutgoingMessage> batch) {
      super.send(queue, batch);
      if (sent.getCount() > 0) {
        sent.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void close() {
      // the queues it sends to belong to the test
    }
  }
}
