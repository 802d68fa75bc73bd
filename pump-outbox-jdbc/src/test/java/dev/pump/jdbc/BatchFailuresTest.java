package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Context;
import dev.pump.core.Endpoint;
import dev.pump.core.Handler;
import dev.pump.core.Headers;
import dev.pump.core.SendOptions;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.testing.TestMessages.OrderPlaced;
import dev.pump.core.testing.TestMessages.PlaceOrder;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What one failing message costs a batch, on real PostgreSQL. Ten messages wait before the endpoint
 * starts, so its one receiver takes them in one receive (concurrency and {@code
 * messagesPerTransaction} are both 10); the fifth, {@code m4}, fails in a different way in each
 * test. Every handler run records the transaction it ran in ({@code txid_current()}), kept in
 * memory whether or not it committed, and writes a business row with it: runs that share a
 * transaction id shared the batch's transaction. Run on the PostgreSQL queue and the in-memory
 * transport, each also with a {@link ThreadTransactions} host.
 */
@ExtendWith(PostgresExtension.class)
class BatchFailuresTest {
  static JdbcStorage ownStorage;
  static PostgresTransport ownPostgres;
  static com.zaxxer.hikari.HikariDataSource hostedPool;
  static JdbcStorage hostedStorage;
  static PostgresTransport hostedPostgres;
  JdbcStorage storage;
  Transport transport;
  String name;
  final List<AutoCloseable> running = new ArrayList<>();
  final List<Run> runs = new CopyOnWriteArrayList<>();
  final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  /** One handler run: the message, its attempt (from 1), the transaction it ran in. */
  record Run(String id, int attempt, long tx) {}

  @BeforeAll
  static void createStorage(TestDatabase db) {
    ownStorage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    ownPostgres = PostgresTransport.builder().storage(ownStorage).build();
    // with a host, a claimed message holds two connections: its claim and the host's transaction
    hostedPool = PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 24);
    hostedStorage =
        JdbcStorage.builder()
            .dataSource(hostedPool)
            .transactionHost(new ThreadTransactions(hostedPool))
            .build();
    hostedPostgres = PostgresTransport.builder().storage(hostedStorage).build();
    ownStorage
        .jdbi()
        .useHandle(h -> {
          h.execute(
              "CREATE TABLE batch_effect (endpoint text NOT NULL, order_id text NOT NULL,"
                  + " tx bigint NOT NULL)");
          h.execute("CREATE TABLE batch_taken (key text PRIMARY KEY)");
          h.execute("INSERT INTO batch_taken VALUES ('taken')");
        });
  }

  @AfterAll
  static void closeTransports() {
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
  void aMessageThatAlwaysFailsIsRetriedInPlaceThenParkedAndTheOtherNineCommitInOneTransaction(
      String kind) throws Exception {
    use(kind, "always");
    sendTen();
    start(
        failingAt("m4", attempt -> true),
        Recoverability.builder().immediateRetries(2).delayedRetries(0));

    ReceivedMessage parked = parked();
    await().atMost(Duration.ofMinutes(1)).until(() -> effects() == 9);

    assertThat(parked.messageId()).isEqualTo("m4");
    assertThat(parked.headers()).containsEntry(Headers.IMMEDIATE_RETRIES_MADE, "2");
    assertThat(ids(runs))
        .as("in order, each once, the failing one retried in place")
        .containsExactly("m0", "m1", "m2", "m3", "m4", "m4", "m4", "m5", "m6", "m7", "m8", "m9");
    assertThat(transactions(runs))
        .as("every run, the failed ones too, in one transaction")
        .hasSize(1);
    assertThat(committedTransactions()).as("the nine commit together").hasSize(1);
    assertThat(effectsOf("m4")).as("the failed attempts are undone").isZero();
    assertThat(inbox()).as("m4 is not recorded as handled, so its copy will run").isEqualTo(9);
    assertThat(outboxCausedByItsMessage()).isEqualTo(9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "memory", "postgres-hosted", "memory-hosted"})
  void aMessageThatFailsOnceIsRetriedInPlaceAndAllTenCommitInOneTransaction(String kind) {
    use(kind, "once");
    sendTen();
    start(
        failingAt("m4", attempt -> attempt == 1),
        Recoverability.builder().immediateRetries(2).delayedRetries(0));

    await().atMost(Duration.ofMinutes(1)).until(() -> effects() == 10);

    assertThat(ids(runs))
        .containsExactly("m0", "m1", "m2", "m3", "m4", "m4", "m5", "m6", "m7", "m8", "m9");
    assertThat(transactions(runs)).hasSize(1);
    assertThat(committedTransactions()).hasSize(1);
    assertThat(effectsOf("m4")).as("the failed attempt's write is undone").isEqualTo(1);
    assertThat(inbox()).isEqualTo(10);
    assertThat(outboxCausedByItsMessage()).isEqualTo(10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "memory", "postgres-hosted", "memory-hosted"})
  void anUnreadableMessageIsParkedWithoutRunningAndTheOtherNineCommitInOneTransaction(String kind)
      throws Exception {
    use(kind, "unreadable");
    sendTen("m4");
    start(recording(), Recoverability.builder().immediateRetries(2).delayedRetries(0));

    ReceivedMessage parked = parked();
    await().atMost(Duration.ofMinutes(1)).until(() -> effects() == 9);

    assertThat(parked.messageId()).isEqualTo("m4");
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE)
        .containsEntry(Headers.IMMEDIATE_RETRIES_MADE, "0");
    assertThat(ids(runs)).containsExactly("m0", "m1", "m2", "m3", "m5", "m6", "m7", "m8", "m9");
    assertThat(transactions(runs)).hasSize(1);
    assertThat(committedTransactions()).hasSize(1);
    assertThat(inbox()).isEqualTo(9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "memory", "postgres-hosted", "memory-hosted"})
  void aMessageThatCatchesADatabaseErrorFailsAloneAndTheOtherNineCommitInOneTransaction(String kind)
      throws Exception {
    use(kind, "caught");
    sendTen();
    Handler<PlaceOrder> catching =
        (command, context) -> {
          record(command, context);
          if (command.orderId().equals("m4")) {
            try {
              // "insert, and ignore a duplicate": the statement's failure aborts the transaction
              JdbcContext.handle(context).execute("INSERT INTO batch_taken VALUES ('taken')");
            } catch (UnableToExecuteStatementException duplicate) {
              // caught, and the handler returns normally
            }
          }
        };
    start(catching, Recoverability.builder().immediateRetries(2).delayedRetries(0));

    ReceivedMessage parked = parked();
    await().atMost(Duration.ofMinutes(1)).until(() -> effects() == 9);

    assertThat(parked.messageId()).isEqualTo("m4");
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .as("the error the handler caught is named")
        .contains("duplicate key");
    assertThat(ids(runs))
        .as("the batch-mates after it run once each, in the same transaction")
        .containsExactly("m0", "m1", "m2", "m3", "m4", "m4", "m4", "m5", "m6", "m7", "m8", "m9");
    assertThat(transactions(runs)).hasSize(1);
    assertThat(committedTransactions()).hasSize(1);
    assertThat(effectsOf("m4")).isZero();
    assertThat(inbox()).isEqualTo(9);
    assertThat(outboxCausedByItsMessage()).isEqualTo(9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "memory", "postgres-hosted", "memory-hosted"})
  void aDelayedRetryIsACopyThatRunsAfterTheBatchCommittedWithoutIt(String kind) {
    use(kind, "delayed");
    sendTen();
    start(
        failingAt("m4", attempt -> attempt == 1),
        Recoverability.builder()
            .immediateRetries(0)
            .delayedRetries(1)
            .delayedRetryIncrement(Duration.ofMillis(200)));

    await().atMost(Duration.ofMinutes(1)).until(() -> effects() == 10);

    assertThat(ids(runs))
        .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m4");
    List<Run> batch = runs.subList(0, 10);
    assertThat(transactions(batch)).hasSize(1);
    assertThat(runs.getLast().tx())
        .as("the copy runs in a transaction of its own")
        .isNotIn(transactions(batch));
    assertThat(committedTransactions()).hasSize(2);
    assertThat(effectsOf("m4")).isEqualTo(1);
    assertThat(inbox()).isEqualTo(10);
    assertThat(outboxCausedByItsMessage()).isEqualTo(10);
  }

  /**
   * When the batch's connection is lost (here its handler ends its own backend), nothing handled in
   * the batch can commit: every message comes back, each alone, and is handled once. None is parked
   * for a batch-mate's fault, nor lost, nor applied twice.
   */
  @ParameterizedTest
  @ValueSource(strings = {"postgres", "memory", "postgres-hosted", "memory-hosted"})
  void aBatchWhoseConnectionIsLostGivesEveryMessageBackAndEachIsHandledOnce(String kind) {
    use(kind, "lost");
    sendTen();
    Handler<PlaceOrder> losing =
        (command, context) -> {
          int attempt = record(command, context);
          if (command.orderId().equals("m4") && attempt == 1) {
            JdbcContext.handle(context).execute("SELECT pg_terminate_backend(pg_backend_pid())");
          }
        };
    start(losing, Recoverability.builder().immediateRetries(2).delayedRetries(0));

    await().atMost(Duration.ofMinutes(1)).until(() -> effects() == 10);

    assertThat(count("SELECT count(DISTINCT order_id) FROM batch_effect WHERE endpoint = ?"))
        .as("each applied once")
        .isEqualTo(10);
    assertThat(errorQueueDepth()).isZero();
    assertThat(inbox()).isEqualTo(10);
    assertThat(outboxCausedByItsMessage()).isEqualTo(10);
  }

  /**
   * A message delivered before runs alone in its process (a receive from the PostgreSQL queue ends
   * a batch before it), so a batch of ten with one costs three transactions: the messages before
   * it, the message alone, the messages after it. Order is kept and each runs once.
   */
  @ParameterizedTest
  @ValueSource(strings = {"postgres", "postgres-hosted"})
  void aMessageDeliveredBeforeRunsAloneBetweenTheMessagesBeforeAndAfterIt(String kind) {
    use(kind, "redelivered");
    sendTen();
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "UPDATE pump.queue_message SET attempts = 1 WHERE queue = ? AND message_id = 'm4'",
                name));
    start(recording(), Recoverability.builder().immediateRetries(2).delayedRetries(0));

    await().atMost(Duration.ofMinutes(1)).until(() -> effects() == 10);

    assertThat(ids(runs))
        .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
    assertThat(transactions(runs.subList(0, 4))).hasSize(1);
    assertThat(transactions(runs.subList(5, 10))).hasSize(1);
    assertThat(transactions(runs)).as("before it, it alone, after it").hasSize(3);
    assertThat(inbox()).isEqualTo(10);
  }

  private void use(String kind, String test) {
    name = "batch-" + test + "-" + kind;
    boolean hosted = kind.endsWith("-hosted");
    storage = hosted ? hostedStorage : ownStorage;
    transport =
        kind.startsWith("postgres")
            ? (hosted ? hostedPostgres : ownPostgres)
            : InMemoryTransport.builder().leaseTimeout(Duration.ofSeconds(5)).build();
    if (transport instanceof InMemoryTransport) {
      running.add(transport);
    }
  }

  private void start(Handler<PlaceOrder> handler, Recoverability.Builder recoverability) {
    Endpoint endpoint =
        Endpoint.builder()
            .name(name)
            .transport(transport)
            .storage(storage)
            .concurrency(10)
            .messagesPerTransaction(10)
            .recoverability(recoverability.errorQueue(name + "-error").build())
            .route(OrderPlaced.class, name + "-out")
            .handler(PlaceOrder.class, handler)
            .stopGrace(Duration.ofSeconds(2))
            .build();
    running.add(endpoint);
    endpoint.start();
  }

  /** Records the run and writes the business row, then fails for {@code id} where asked. */
  private Handler<PlaceOrder> failingAt(String id, IntPredicate fails) {
    return (command, context) -> {
      int attempt = record(command, context);
      if (command.orderId().equals(id) && fails.test(attempt)) {
        throw new IllegalStateException(id + " fails on attempt " + attempt);
      }
    };
  }

  private Handler<PlaceOrder> recording() {
    return this::record;
  }

  /**
   * Records the run, writes the business row and sends one message through the outbox; returns the
   * attempt.
   */
  private int record(PlaceOrder command, Context context) {
    Handle handle = JdbcContext.handle(context);
    long tx = handle.createQuery("SELECT txid_current()").mapTo(Long.class).one();
    int attempt =
        attempts.computeIfAbsent(command.orderId(), id -> new AtomicInteger()).incrementAndGet();
    runs.add(new Run(command.orderId(), attempt, tx));
    handle.execute("INSERT INTO batch_effect VALUES (?, ?, ?)", name, command.orderId(), tx);
    context.send(
        new OrderPlaced(command.orderId()),
        SendOptions.builder().messageId("evt-" + command.orderId()).build());
    return attempt;
  }

  /** Sends m0 to m9 in order; those named in {@code unreadable} with a body nobody can read. */
  private void sendTen(String... unreadable) {
    Endpoint web = Endpoint.builder().name(name + "-web").transport(transport).build();
    for (int i = 0; i < 10; i++) {
      String id = "m" + i;
      if (List.of(unreadable).contains(id)) {
        transport.send(
            name,
            List.of(
                OutgoingMessage.of(
                    id,
                    Map.of(
                        Headers.MESSAGE_ID,
                        id,
                        Headers.CONTENT_TYPE,
                        "application/json",
                        Headers.ENCLOSED_TYPES,
                        PlaceOrder.class.getName()),
                    "{not json".getBytes(StandardCharsets.UTF_8))));
      } else {
        web.withoutOutbox()
            .send(name, new PlaceOrder(id), SendOptions.builder().messageId(id).build());
      }
    }
  }

  /** The one message in the error queue, once it is there. */
  private ReceivedMessage parked() throws InterruptedException {
    await().atMost(Duration.ofMinutes(1)).until(() -> errorQueueDepth() > 0);
    assertThat(errorQueueDepth()).as("one message parked, once").isOne();
    Optional<ReceivedMessage> received = transport.receive(name + "-error", Duration.ofMinutes(1));
    assertThat(received).isPresent();
    received.get().complete();
    return received.get();
  }

  private long errorQueueDepth() {
    String queue = name + "-error";
    return transport instanceof InMemoryTransport memory
        ? memory.queueStats(queue).total()
        : storage
            .jdbi()
            .withHandle(h ->
                h.createQuery("SELECT count(*) FROM pump.queue_message WHERE queue = ?")
                    .bind(0, queue)
                    .mapTo(Long.class)
                    .one());
  }

  private static List<String> ids(List<Run> runs) {
    return runs.stream().map(Run::id).toList();
  }

  private static List<Long> transactions(List<Run> runs) {
    return runs.stream().map(Run::tx).distinct().toList();
  }

  private List<Long> committedTransactions() {
    return storage
        .jdbi()
        .withHandle(h ->
            h.createQuery("SELECT DISTINCT tx FROM batch_effect WHERE endpoint = ?")
                .bind(0, name)
                .mapTo(Long.class)
                .list());
  }

  private long effects() {
    return count("SELECT count(*) FROM batch_effect WHERE endpoint = ?");
  }

  private long effectsOf(String id) {
    return storage
        .jdbi()
        .withHandle(h ->
            h.createQuery("SELECT count(*) FROM batch_effect WHERE endpoint = ? AND order_id = ?")
                .bind(0, name)
                .bind(1, id)
                .mapTo(Long.class)
                .one());
  }

  private long inbox() {
    return count("SELECT count(*) FROM pump.inbox WHERE endpoint = ?");
  }

  private long outboxCausedByItsMessage() {
    return count(
        "SELECT count(*) FROM pump.outbox WHERE endpoint = ? AND message_id = 'evt-' || causation_id");
  }

  private long count(String sql) {
    return storage.jdbi().withHandle(h -> h.createQuery(sql).bind(0, name).mapTo(Long.class).one());
  }
}
