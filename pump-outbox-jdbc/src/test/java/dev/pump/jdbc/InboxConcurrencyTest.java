package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two copies of one message in flight at the same moment, in two endpoint instances: exactly one
 * runs the handlers, the other waits on the inbox row and skips, and both are acknowledged.
 */
@ExtendWith(PostgresExtension.class)
class InboxConcurrencyTest {
  static JdbcStorage storage;
  final List<AutoCloseable> running = new ArrayList<>();

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : running.reversed()) {
      closeable.close();
    }
  }

  @Test
  void twoInstancesHandlingCopiesOfOneMessageAtOnceRunItsHandlersOnce() {
    int messages = 40;
    // both copies of a message must reach the inbox link inside their transactions together
    Map<String, CyclicBarrier> meetings = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Middleware meet =
        (context, next) -> {
          CyclicBarrier barrier =
              meetings.computeIfAbsent(context.messageId(), id -> new CyclicBarrier(2));
          try {
            barrier.await(10, TimeUnit.SECONDS);
          } catch (BrokenBarrierException e) {
            // the other copy already went through: nothing to meet
          }
          next.proceed();
        };
    for (int instance = 0; instance < 2; instance++) {
      PostgresTransport transport = PostgresTransport.builder().storage(storage).build();
      Endpoint endpoint =
          Endpoint.builder()
              .name("billing")
              .transport(transport)
              .storage(storage)
              .concurrency(1)
              .middleware(p -> p.addBefore("inbox", "meet", meet))
              .handler(
                  Ping.class,
                  (ping, context) ->
                      runs.computeIfAbsent(context.messageId(), id -> new AtomicInteger())
                          .incrementAndGet())
              .build();
      running.add(transport);
      running.add(endpoint);
    }
    PostgresTransport sender = PostgresTransport.builder().storage(storage).build();
    running.add(sender);
    for (int i = 0; i < messages; i++) {
      OutgoingMessage copy =
          OutgoingMessage.of("dup-" + i, UnitOfWorkTest.headers(), UnitOfWorkTest.json(i));
      sender.send("billing", List.of(copy, copy));
    }
    running.stream()
        .filter(Endpoint.class::isInstance)
        .map(Endpoint.class::cast)
        .forEach(Endpoint::start);

    await()
        .atMost(Duration.ofMinutes(1))
        .until(() ->
            storage
                    .jdbi()
                    .withHandle(h ->
                        h.createQuery("SELECT count(*) FROM pump.queue_message")
                            .mapTo(Long.class)
                            .one())
                == 0);
    assertThat(runs).hasSize(messages);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(storage.operations().duplicatesSkipped()).isEqualTo(messages);
  }
}
