package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.TransportException;
import dev.pump.core.testing.ForwardingTransport;
import dev.pump.jdbc.internal.outbox.OutboxRow;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dispatcher sends a cycle's destinations side by side: a slow or hanging destination does not
 * hold the others, the parallelism bound holds, an ordering key still has one batch in flight, and
 * a stop abandons sends in flight without losing their rows.
 */
@ExtendWith(PostgresExtension.class)
class ParallelDispatchTest {
  static TestDatabase database;
  static JdbcStorage storage;
  static final List<String> statements = new CopyOnWriteArrayList<>();
  ScriptedTransport transport;
  final List<OutboxDispatcher> dispatchers = new ArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);

  @BeforeAll
  static void createStorage(TestDatabase db) {
    database = db;
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    storage
        .jdbi()
        .setSqlLogger(
            new SqlLogger() {
              @Override
              public void logAfterExecution(StatementContext context) {
                statements.add(context.getRawSql());
              }
            });
  }

  @BeforeEach
  void empty() {
    storage.jdbi().useHandle(h -> h.execute("TRUNCATE pump.outbox, pump.inbox"));
    transport = new ScriptedTransport();
    statements.clear();
  }

  @AfterEach
  void stop() {
    release.countDown();
    dispatchers.forEach(d -> d.stop(Duration.ofSeconds(5)));
  }

  @Test
  void aSlowDestinationDoesNotDelayTheOthersInItsCycle() throws Exception {
    CountDownLatch slowStarted = new CountDownLatch(1);
    transport.duringSend =
        destination -> {
          if (destination.equals("slow")) {
            slowStarted.countDown();
            awaitRelease();
          }
        };
    write("slow", 10, null); // claimed first: the serial dispatcher sent it first, and waited
    write("fast1", 250, null);
    write("fast2", 30, null);
    OutboxDispatcher dispatcher = start(dispatcher().sendTimeout(Duration.ofMinutes(5)));

    assertThat(slowStarted.await(30, TimeUnit.SECONDS)).isTrue();
    await().until(() -> sent("fast1") == 250 && sent("fast2") == 30);
    assertThat(transport.shapes("slow")).as("the slow send has not returned").isEmpty();
    assertThat(transport.shapes("fast1")).containsExactly(100, 100, 50);
    assertThat(idsSentTo("fast1")).isSorted();

    release.countDown();
    await().until(() -> pending() == 0);
    // one cycle: everything it confirmed is marked by one statement, once the slow send returned
    assertThat(statements.stream().filter(s -> s.contains("SET dispatched_at = now()")).count())
        .isEqualTo(1);
    assertThat(dispatcher.counters().rowsDispatched()).isEqualTo(290);
    assertThat(dispatcher.counters().batchesSent()).isEqualTo(5);
  }

  @Test
  void aSendThatHangsIsAbandonedAfterTheTimeoutTheRestIsMarkedAndItsDestinationPaused() {
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicInteger hungSends = new AtomicInteger();
    transport.duringSend =
        destination -> {
          if (destination.equals("hung")) {
            hungSends.incrementAndGet();
            try {
              release.await();
            } catch (InterruptedException e) {
              interrupted.set(true);
              throw new TransportException("interrupted while hanging");
            }
          }
        };
    write("hung", 5, null);
    write("healthy", 120, null);
    OutboxDispatcher dispatcher =
        start(dispatcher().sendTimeout(Duration.ofMillis(300)).maxAttempts(1000));

    await()
        .until(
            () -> count("SELECT count(*) FROM pump.outbox WHERE dispatched_at IS NOT NULL") == 120);
    await().until(interrupted::get);
    assertThat(
            count(
                // a hang is counted: the message itself may be what hangs the send
                "SELECT count(*) FROM pump.outbox WHERE destination = 'hung' AND attempts = 1"
                    + " AND dispatched_at IS NULL AND parked_at IS NULL"
                    + " AND last_error LIKE"
                    + " '%TransportException: the send to hung did not return within%PT0.3S%'"))
        .isEqualTo(5);
    assertThat(dispatcher.counters().failuresByDestination())
        .containsExactly(Map.entry("hung", 1L));
    assertThat(dispatcher.counters().rowsDispatched()).isEqualTo(120);

    // the hang opened the breaker at once: the hung rows, due again after 20 to 100 ms, wait for
    // the 30 s pause while the dispatcher goes on with new rows
    long cycles = dispatcher.counters().cycles();
    write("healthy", 10, null);
    await().until(() -> sent("healthy") == 130 && dispatcher.counters().cycles() > cycles + 10);
    assertThat(hungSends).hasValue(1);
  }

  @Test
  void aDestinationWhoseAbandonedSendStillRunsIsNotSentToAgainUntilItReturns() {
    AtomicInteger stuckSends = new AtomicInteger();
    transport.duringSend =
        destination -> {
          if (destination.equals("stuck") && stuckSends.incrementAndGet() == 1) {
            awaitRelease(); // deaf to interrupts, as a send blocked in a socket write can be
          }
        };
    write("stuck", 5, null);
    OutboxDispatcher dispatcher =
        start(
            dispatcher()
                .sendTimeout(Duration.ofMillis(100))
                .circuitBreakerPause(Duration.ofMillis(10))
                .maxAttempts(1000));

    await()
        .until(() ->
            count(
                    "SELECT count(*) FROM pump.outbox WHERE destination = 'stuck'"
                        + " AND last_error IS NOT NULL")
                == 5);
    // due again and out of its pause long since, yet not claimed: its first send still runs
    long cycles = dispatcher.counters().cycles();
    write("other", 3, null);
    await().until(() -> sent("other") == 3 && dispatcher.counters().cycles() > cycles + 10);
    assertThat(stuckSends).hasValue(1);
    assertThat(
            count("SELECT count(*) FROM pump.outbox WHERE destination = 'stuck' AND attempts = 1"))
        .isEqualTo(5);

    release.countDown();
    await()
        .until(() ->
            count(
                    "SELECT count(*) FROM pump.outbox WHERE destination = 'stuck'"
                        + " AND dispatched_at IS NOT NULL")
                == 5);
    // the abandoned send did deliver after all: at least once, the receiver's inbox absorbs it
    assertThat(stuckSends).hasValue(2);
    assertThat(idsSentTo("stuck")).hasSize(10);
  }

  @Test
  void concurrentSendsNeverExceedTheParallelism() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch threeAtOnce = new CountDownLatch(3);
    AtomicBoolean reachedThree = new AtomicBoolean();
    transport.beforeEachBatch = ids -> most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    transport.afterEachBatch = ids -> inFlight.decrementAndGet();
    transport.duringSend =
        destination -> {
          threeAtOnce.countDown();
          try {
            // the first three sends meet here: proof that three do run at once
            if (threeAtOnce.await(30, TimeUnit.SECONDS)) {
              reachedThree.set(true);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    for (int d = 0; d < 12; d++) {
      write("d" + d, 20, null);
    }
    start(dispatcher().sendParallelism(3).maxBatchMessages(5));

    await().until(() -> transport.sentIds().size() == 240);
    assertThat(reachedThree).isTrue();
    assertThat(most).hasValue(3);
    for (int d = 0; d < 12; d++) {
      assertThat(transport.shapes("d" + d)).containsExactly(5, 5, 5, 5);
      assertThat(idsSentTo("d" + d)).isSorted();
    }
  }

  @Test
  void destinationsSharingAnOrderingKeyAreSentOneAfterTheOtherWhileOthersRunBeside() {
    List<OutboxRow> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String destination = i % 2 == 0 ? "left" : "right";
      rows.add(row(destination, "k-" + i, "k"));
      rows.add(row("plain", "p-" + i, null));
    }
    storage.jdbi().useTransaction(h -> storage.runtime().outbox().insert(h, "tests", null, rows));
    Set<String> keyedInFlight = ConcurrentHashMap.newKeySet();
    List<String> overlaps = new CopyOnWriteArrayList<>();
    CountDownLatch keyedStarted = new CountDownLatch(1);
    CountDownLatch plainStarted = new CountDownLatch(1);
    CountDownLatch secondKeyedStarted = new CountDownLatch(1);
    AtomicBoolean side = new AtomicBoolean();
    transport.beforeEachBatch =
        ids -> {
          if (!ids.getFirst().startsWith("p-") && !keyedInFlight.isEmpty()) {
            overlaps.add(ids.getFirst());
            secondKeyedStarted.countDown();
          }
        };
    transport.duringSend =
        destination -> {
          try {
            if (destination.equals("plain")) {
              plainStarted.countDown();
              // the first keyed send and the first plain one wait for each other: side by side
              if (keyedStarted.await(30, TimeUnit.SECONDS)) {
                side.set(true);
              }
            } else {
              keyedInFlight.add(destination);
              try {
                keyedStarted.countDown();
                plainStarted.await(30, TimeUnit.SECONDS);
                // gives a second keyed send every chance to start meanwhile (it must not)
                secondKeyedStarted.await(200, TimeUnit.MILLISECONDS);
              } finally {
                keyedInFlight.remove(destination);
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    start(dispatcher().maxBatchMessages(10));

    await().until(() -> transport.sentIds().size() == 80);
    assertThat(overlaps).isEmpty();
    assertThat(side).isTrue();
    assertThat(transport.shapes("left")).containsExactly(10, 10);
    assertThat(transport.sentIds().stream().filter(id -> id.startsWith("k-")).toList())
        .as("left's rows, then right's, as the serial dispatcher sent them")
        .containsExactlyElementsOf(
            rows.stream()
                .filter(r -> r.orderingKey() != null)
                .sorted((a, b) -> a.destination().compareTo(b.destination()))
                .map(OutboxRow::messageId)
                .toList());
  }

  @Test
  void aStopPastItsGraceAbandonsTheSendInFlightAndStillMarksTheConfirmedOnes() {
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch hanging = new CountDownLatch(1);
    transport.duringSend =
        destination -> {
          if (destination.equals("hung")) {
            hanging.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              interrupted.set(true);
              throw new TransportException("interrupted by the stop");
            }
          }
        };
    write("hung", 5, null);
    write("done", 50, null);
    OutboxDispatcher dispatcher = start(dispatcher().sendTimeout(Duration.ofMinutes(5)));
    await().until(() -> hanging.getCount() == 0 && sent("done") == 50);

    dispatcher.stop(Duration.ofMillis(100));

    await().untilTrue(interrupted);
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE dispatched_at IS NOT NULL"))
        .isEqualTo(50);
    // abandoned by the stop, not failed: no attempt counted, nothing lost
    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox WHERE destination = 'hung'"
                    + " AND dispatched_at IS NULL AND attempts = 0 AND last_error IS NULL"))
        .isEqualTo(5);
    assertThat(dispatcher.counters().batchesFailed()).isZero();
  }

  @Test
  void theSendTimeoutOutlastsTheTransportsLongestSendAndAShorterOneIsRefused() {
    Transport bounded =
        new ForwardingTransport(transport) {
          @Override
          public TransportCapabilities capabilities() {
            TransportCapabilities own = super.capabilities();
            return new TransportCapabilities(
                own.delayedDelivery(),
                own.nativeTopics(),
                own.orderedQueues(),
                own.maxMessageBytes(),
                own.countsUnreceivedDeliveries(),
                Duration.ofSeconds(12));
          }
        };
    assertThat(OutboxDispatcher.builder().storage(storage).transport(bounded).build())
        .extracting(OutboxDispatcher::sendTimeout)
        .isEqualTo(Duration.ofSeconds(14));
    assertThat(OutboxDispatcher.builder().storage(storage).transport(transport).build())
        .extracting(OutboxDispatcher::sendTimeout)
        .isEqualTo(OutboxDispatcher.DEFAULT_SEND_TIMEOUT);
    assertThatThrownBy(() ->
            OutboxDispatcher.builder()
                .storage(storage)
                .transport(bounded)
                .sendTimeout(Duration.ofSeconds(12))
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining(
            "dispatcher.sendTimeout PT12S must be longer than the transport's longest send, PT12S");
  }

  @Test
  void theParallelismIsValidatedAndFittedToAPostgresTransportOnTheSamePool() {
    assertThatThrownBy(() ->
            OutboxDispatcher.builder()
                .storage(storage)
                .transport(transport)
                .sendParallelism(0)
                .sendTimeout(Duration.ZERO)
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("dispatcher.sendParallelism must be between 1 and 256, was 0")
        .hasMessageContaining("dispatcher.sendTimeout must be between PT0.01S and PT10M, was PT0S");
    assertThat(OutboxDispatcher.builder().storage(storage).transport(transport).build())
        .extracting(OutboxDispatcher::sendParallelism)
        .isEqualTo(OutboxDispatcher.DEFAULT_SEND_PARALLELISM);

    try (HikariDataSource pool =
            PumpDataSources.pooled(database.jdbcUrl(), database.user(), database.password(), 4);
        PostgresTransport queues =
            PostgresTransport.builder()
                .storage(JdbcStorage.builder().dataSource(pool).migrate(false).build())
                .build()) {
      JdbcStorage own = JdbcStorage.builder().dataSource(pool).migrate(false).build();
      // a PostgresTransport of another storage object: its pool is not known to be ours
      assertThat(OutboxDispatcher.builder().storage(own).transport(queues).build())
          .extracting(OutboxDispatcher::sendParallelism)
          .isEqualTo(8);
    }
    try (HikariDataSource pool =
        PumpDataSources.pooled(database.jdbcUrl(), database.user(), database.password(), 4)) {
      JdbcStorage small = JdbcStorage.builder().dataSource(pool).migrate(false).build();
      try (PostgresTransport queues = PostgresTransport.builder().storage(small).build()) {
        // the default takes half of what the cycle leaves (endpoints need connections too): one
        assertThat(OutboxDispatcher.builder().storage(small).transport(queues).build())
            .extracting(OutboxDispatcher::sendParallelism)
            .isEqualTo(1);
        // three sends and the cycle's own connection fit, if asked for
        assertThat(
                OutboxDispatcher.builder()
                    .storage(small)
                    .transport(queues)
                    .sendParallelism(3)
                    .build())
            .extracting(OutboxDispatcher::sendParallelism)
            .isEqualTo(3);
        assertThatThrownBy(() ->
                OutboxDispatcher.builder()
                    .storage(small)
                    .transport(queues)
                    .sendParallelism(4)
                    .build())
            .isInstanceOf(PumpConfigurationException.class)
            .hasMessageContaining(
                "dispatcher.sendParallelism 4 with a PostgresTransport on the dispatcher's own"
                    + " pool needs 5 connections")
            .hasMessageContaining("maximumPoolSize is 4");
      }
    }
  }

  private OutboxDispatcher start(OutboxDispatcher.Builder builder) {
    OutboxDispatcher dispatcher = builder.build();
    dispatchers.add(dispatcher);
    dispatcher.start();
    return dispatcher;
  }

  private OutboxDispatcher.Builder dispatcher() {
    return OutboxDispatcher.builder()
        .storage(storage)
        .transport(transport)
        .pollInterval(Duration.ofMillis(50))
        .retryBackoff(Duration.ofMillis(20))
        .maxRetryBackoff(Duration.ofMillis(100));
  }

  /** Blocks a send until the test releases it, deaf to interrupts. */
  private void awaitRelease() {
    boolean interrupted = false;
    while (true) {
      try {
        release.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private int sent(String destination) {
    return transport.shapes(destination).stream().mapToInt(Integer::intValue).sum();
  }

  /** The sequence numbers of the ids sent to {@code destination}, in send order. */
  private List<Integer> idsSentTo(String destination) {
    return transport.batches.stream()
        .filter(b -> b.destination().equals(destination))
        .flatMap(b -> b.messageIds().stream())
        .map(id -> Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)))
        .toList();
  }

  private static int sequence;

  private static OutboxRow row(String destination, String messageId, String orderingKey) {
    return new OutboxRow(
        destination, null, messageId, Map.of(), new byte[10], Duration.ZERO, orderingKey);
  }

  /** Commits {@code n} rows to {@code destination}, 10 bytes of body each. */
  private static void write(String destination, int n, String orderingKey) {
    List<OutboxRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(row(destination, destination + "-" + sequence++, orderingKey));
    }
    storage.jdbi().useTransaction(h -> storage.runtime().outbox().insert(h, "tests", null, rows));
  }

  private static long pending() {
    return count(
        "SELECT count(*) FROM pump.outbox WHERE dispatched_at IS NULL AND parked_at IS NULL");
  }

  private static long count(String sql) {
    Long value = storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    return value == null ? 0 : value;
  }
}
