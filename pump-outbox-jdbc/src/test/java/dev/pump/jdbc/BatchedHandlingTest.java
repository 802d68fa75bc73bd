package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.Handler;
import dev.pump.core.SendOptions;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.testing.TestMessages.OrderPlaced;
import dev.pump.core.testing.TestMessages.PlaceOrder;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batches end to end, on real PostgreSQL: an endpoint takes what is waiting in one receive and
 * handles it in one transaction, each message behind its own savepoint. Run on the PostgreSQL queue
 * (the claim's transaction is the batch's) and on the in-memory transport (the storage opens one
 * transaction for the batch and commits it before the messages are completed), each also with a
 * storage whose transactions a {@link ThreadTransactions} host begins (the batch's transaction is
 * the host's, and a PostgreSQL claim settles apart from it).
 *
 * <p>Each test sends its messages before the endpoint starts, so they wait together and the first
 * receives take batches. The handler writes a business row with {@code txid_current()}: rows that
 * share a transaction id were handled in one transaction.
 */
@ExtendWith(PostgresExtension.class)
class BatchedHandlingTest {
  static JdbcStorage ownStorage;
  static PostgresTransport ownPostgres;
  static com.zaxxer.hikari.HikariDataSource hostedPool;
  static ThreadTransactions host;
  static JdbcStorage hostedStorage;
  static PostgresTransport hostedPostgres;
  JdbcStorage storage;
  PostgresTransport postgres;
  final List<AutoCloseable> running = new ArrayList<>();
  Transport transport;
  String name;

  @BeforeAll
  static void createStorage(TestDatabase db) {
    ownStorage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    ownPostgres = PostgresTransport.builder().storage(ownStorage).build();
    // with a host, a claimed message holds two connections: its claim and the host's transaction
    hostedPool = PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 20);
    host = new ThreadTransactions(hostedPool);
    hostedStorage = JdbcStorage.builder().dataSource(hostedPool).transactionHost(host).build();
    hostedPostgres = PostgresTransport.builder().storage(hostedStorage).build();
    ownStorage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "CREATE TABLE handled (endpoint text NOT NULL, order_id text NOT NULL,"
                    + " tx bigint NOT NULL)"));
  }

  @AfterAll
  static void closeTransport() {
    ownPostgres.close();
    hostedPostgres.close();
    hostedPool.close();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : running.reversed()) {
      closeable.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "memory", "postgres-hosted", "memory-hosted"})
  void aBacklogIsHandledInBatchesEachMessageOnceWithItsOutboxRows(String kind) {
    use(kind, "backlog");
    sendAll(ids("m-", 120));

    Endpoint endpoint = start(endpoint(8, 4, recording()));

    await().atMost(Duration.ofMinutes(1)).until(() -> handled() == 120);
    assertThat(count("SELECT count(DISTINCT order_id) FROM handled WHERE endpoint = ?"))
        .isEqualTo(120);
    assertThat(largestBatch()).as("messages handled in one transaction").isBetween(2L, 4L);
    assertThat(count("SELECT count(*) FROM pump.inbox WHERE endpoint = ?")).isEqualTo(120);
    // every message's outbox row, caused by it, written in its batch's transaction
    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox o WHERE o.endpoint = ? AND o.causation_id ="
                    + " 'm-' || substring(o.message_id FROM 'evt-(.*)')"))
        .isEqualTo(120);
    endpoint.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "memory", "postgres-hosted", "memory-hosted"})
  void aFailingMessageIsUndoneAloneAndNeitherUndoesTheOthersNorIsAppliedTwice(String kind)
      throws Exception {
    use(kind, "failing");
    sendAll(ids("f-", 16));
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Handler<PlaceOrder> handler =
        (command, context) -> {
          int attempt =
              attempts
                  .computeIfAbsent(command.orderId(), id -> new AtomicInteger())
                  .incrementAndGet();
          recording().handle(command, context); // the business row, then the failure
          if (command.orderId().equals("f-5")) {
            throw new IllegalStateException("f-5 always fails");
          }
          if (command.orderId().equals("f-9") && attempt == 1) {
            throw new IllegalStateException("f-9 fails once");
          }
        };

    int flushesBefore = host.flushes.get();
    int undoneBefore = host.savepointRollbacks.get();
    start(endpoint(8, 8, handler));

    ReceivedMessage parked = receive("error");
    assertThat(parked.messageId()).isEqualTo("f-5");
    parked.complete();
    await().atMost(Duration.ofMinutes(1)).until(() -> handled() == 15);
    assertThat(count("SELECT count(*) FROM handled WHERE endpoint = ? AND order_id = 'f-5'"))
        .as("the failing message's writes are undone")
        .isZero();
    assertThat(count("SELECT count(*) FROM handled WHERE endpoint = ? AND order_id = 'f-9'"))
        .as("a message retried in place is applied once")
        .isEqualTo(1);
    assertThat(count("SELECT count(DISTINCT order_id) FROM handled WHERE endpoint = ?"))
        .isEqualTo(15);
    assertThat(largestBatch()).isGreaterThan(1);
    assertThat(attempts.get("f-5").get()).isEqualTo(2); // the attempt and one immediate retry
    assertThat(count("SELECT count(*) FROM pump.inbox WHERE endpoint = ?")).isEqualTo(15);
    assertThat(count("SELECT count(*) FROM pump.inbox WHERE endpoint = ? AND message_id = 'f-5'"))
        .as("a message that failed is not recorded as handled")
        .isZero();
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE endpoint = ?")).isEqualTo(15);
    if (storage == hostedStorage) {
      assertThat(host.flushes.get() - flushesBefore)
          .as("the host flushed each attempt that succeeded")
          .isGreaterThanOrEqualTo(15);
      assertThat(host.savepointRollbacks.get() - undoneBefore)
          .as("the host heard of each undone attempt")
          .isGreaterThanOrEqualTo(3);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "memory", "postgres-hosted", "memory-hosted"})
  void aBatchHoldingDuplicatesAppliesEachMessageOnce(String kind) {
    use(kind, "duplicates");
    sendAll(List.of("d-0"));
    Endpoint first = start(endpoint(8, 8, recording()));
    await().atMost(Duration.ofMinutes(1)).until(() -> handled() == 1);
    first.close();
    long skippedBefore = storage.operations().duplicatesSkipped();

    // d-0 was handled before; d-1 and d-2 come twice in the same batch
    sendAll(List.of("d-0", "d-1", "d-1", "d-2", "d-3", "d-2"));
    start(endpoint(8, 8, recording()));

    await().atMost(Duration.ofMinutes(1)).until(() -> handled() == 4);
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> storage.operations().duplicatesSkipped() - skippedBefore == 3);
    assertThat(count("SELECT count(DISTINCT order_id) FROM handled WHERE endpoint = ?"))
        .isEqualTo(4);
    assertThat(count("SELECT sum(duplicates) FROM pump.inbox WHERE endpoint = ?")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE endpoint = ?")).isEqualTo(4);
    assertThat(depth()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "memory", "postgres-hosted", "memory-hosted"})
  void aBatchCancelledByStopCommitsNothingAndComesBackWhole(String kind) throws Exception {
    use(kind, "cancelled");
    sendAll(List.of("c-1", "c-2", "c-slow", "c-3"));
    CountDownLatch slowStarted = new CountDownLatch(1);
    Handler<PlaceOrder> blocking =
        (command, context) -> {
          recording().handle(command, context);
          if (command.orderId().equals("c-slow")) {
            slowStarted.countDown();
            new CountDownLatch(1).await(); // until stop interrupts it
          }
        };
    Endpoint endpoint = start(endpoint(8, 8, blocking));
    assertThat(slowStarted.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();

    endpoint.stop(Duration.ofMillis(100));

    assertThat(handled()).as("nothing of a cancelled batch commits").isZero();
    assertThat(count("SELECT count(*) FROM pump.inbox WHERE endpoint = ?")).isZero();
    start(endpoint(8, 8, recording()));
    await().atMost(Duration.ofMinutes(1)).until(() -> handled() == 4);
    assertThat(count("SELECT count(DISTINCT order_id) FROM handled WHERE endpoint = ?"))
        .isEqualTo(4);
  }

  private void use(String kind, String test) {
    name = test + "-" + kind;
    boolean hosted = kind.endsWith("-hosted");
    storage = hosted ? hostedStorage : ownStorage;
    postgres = hosted ? hostedPostgres : ownPostgres;
    transport =
        kind.startsWith("postgres")
            ? postgres
            : InMemoryTransport.builder().leaseTimeout(Duration.ofSeconds(5)).build();
    if (transport != postgres) {
      running.add(transport);
    }
  }

  private Endpoint endpoint(int concurrency, int perTransaction, Handler<PlaceOrder> handler) {
    return Endpoint.builder()
        .name(name)
        .transport(transport)
        .storage(storage)
        .concurrency(concurrency)
        .messagesPerTransaction(perTransaction)
        .recoverability(Recoverability.builder().immediateRetries(1).delayedRetries(0).build())
        .route(OrderPlaced.class, name + "-out")
        .handler(PlaceOrder.class, handler)
        .stopGrace(Duration.ofSeconds(2))
        .cancellationGrace(Duration.ofSeconds(5))
        .build();
  }

  private Endpoint start(Endpoint endpoint) {
    running.add(endpoint);
    endpoint.start();
    return endpoint;
  }

  /** The handler's business write, and one message sent through the outbox. */
  private Handler<PlaceOrder> recording() {
    return (command, context) -> {
      JdbcContext.handle(context)
          .execute("INSERT INTO handled VALUES (?, ?, txid_current())", name, command.orderId());
      context.send(
          new OrderPlaced(command.orderId()),
          SendOptions.builder().messageId("evt-" + command.orderId().substring(2)).build());
    };
  }

  private void sendAll(List<String> ids) {
    Endpoint web = Endpoint.builder().name(name + "-web").transport(transport).build();
    for (String id : ids) {
      web.withoutOutbox()
          .send(name, new PlaceOrder(id), SendOptions.builder().messageId(id).build());
    }
  }

  private static List<String> ids(String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(prefix + i);
    }
    return ids;
  }

  private ReceivedMessage receive(String queue) throws InterruptedException {
    Optional<ReceivedMessage> received = transport.receive(queue, Duration.ofMinutes(1));
    assertThat(received).as("a message in " + queue).isPresent();
    return received.get();
  }

  private long handled() {
    return count("SELECT count(*) FROM handled WHERE endpoint = ?");
  }

  private long largestBatch() {
    return count(
        "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM handled WHERE endpoint = ?"
            + " GROUP BY tx) AS b");
  }

  private long depth() {
    return count("SELECT count(*) FROM pump.queue_message WHERE queue = ?");
  }

  private long count(String sql) {
    return storage.jdbi().withHandle(h -> h.createQuery(sql).bind(0, name).mapTo(Long.class).one());
  }
}
