package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.testing.TestMessages.OrderPlaced;
import dev.pump.core.testing.TestMessages.PlaceOrder;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A storage whose transactions a host begins and ends (as Spring's transaction manager does through
 * the starter): handlers, transactional sessions and outbox sessions write in the host's
 * transaction, on its connection, and commit or roll back with it. Against real PostgreSQL.
 */
@ExtendWith(PostgresExtension.class)
class TransactionHostTest {
  static ThreadTransactions host;
  static JdbcStorage storage;
  static PostgresTransport transport;
  static Endpoint sender;
  static TestDatabase database;

  @BeforeAll
  static void createStorage(TestDatabase db) {
    database = db;
    host = new ThreadTransactions(db.dataSource());
    storage = JdbcStorage.builder().dataSource(db.dataSource()).transactionHost(host).build();
    transport = PostgresTransport.builder().storage(storage).build();
    sender =
        Endpoint.builder()
            .name("web")
            .transport(transport)
            .route(PlaceOrder.class, "orders")
            .build();
    storage.jdbi().useHandle(h -> h.execute("CREATE TABLE placed (order_id text, tx bigint)"));
  }

  @AfterAll
  static void close() {
    transport.close();
  }

  @BeforeEach
  void empty() {
    storage
        .jdbi()
        .useHandle(h -> h.execute("TRUNCATE placed, pump.outbox, pump.inbox, pump.queue_message"));
  }

  @Test
  void aHandlersBusinessRowsInboxAndOutboxAreInTheHostsTransaction() {
    List<Long> handlerTransactions = new CopyOnWriteArrayList<>();
    int begunBefore = host.begun.get();
    Endpoint orders =
        Endpoint.builder()
            .name("orders")
            .transport(transport)
            .storage(storage)
            .route(OrderPlaced.class, "billing")
            .handler(
                PlaceOrder.class,
                (command, context) -> {
                  handlerTransactions.add(
                      JdbcContext.handle(context)
                          .createQuery("SELECT txid_current()")
                          .mapTo(Long.class)
                          .one());
                  JdbcContext.handle(context)
                      .execute("INSERT INTO placed VALUES (?, txid_current())", command.orderId());
                  context.send(new OrderPlaced(command.orderId()));
                })
            .build();
    sender.withoutOutbox().send(new PlaceOrder("o-1"));

    try (orders) {
      orders.start();
      await().atMost(Duration.ofMinutes(1)).until(() -> count("SELECT count(*) FROM placed") == 1);
    }

    assertThat(host.begun.get() - begunBefore).as("the handler's").isEqualTo(1);
    long tx = handlerTransactions.getFirst();
    assertThat(count("SELECT count(*) FROM placed WHERE tx = " + tx)).isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM pump.inbox i, pump.outbox o WHERE i.endpoint = 'orders'"
                    + " AND o.causation_id = i.message_id AND o.destination = 'billing'"))
        .as("the inbox row and the outbox row it caused")
        .isEqualTo(1);
  }

  @Test
  void aFailingHandlerLeavesNeitherItsRowsNorItsInboxNorItsOutbox() throws Exception {
    Endpoint orders =
        Endpoint.builder()
            .name("orders")
            .transport(transport)
            .storage(storage)
            .route(OrderPlaced.class, "billing")
            .handler(
                PlaceOrder.class,
                (command, context) -> {
                  JdbcContext.handle(context)
                      .execute("INSERT INTO placed VALUES (?, 0)", command.orderId());
                  context.send(new OrderPlaced(command.orderId()));
                  throw new UnrecoverableMessageException("out of stock");
                })
            .build();
    sender.withoutOutbox().send(new PlaceOrder("o-2"));

    try (orders) {
      orders.start();
      var parked = transport.receive("error", Duration.ofMinutes(1)).orElseThrow();
      assertThat(parked.messageId()).isNotBlank();
      parked.complete();
    }

    assertThat(count("SELECT count(*) FROM placed")).isZero();
    assertThat(count("SELECT count(*) FROM pump.inbox WHERE endpoint = 'orders'")).isZero();
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE destination = 'billing'")).isZero();
  }

  @Test
  void aTransactionalSessionJoinsTheHostsOpenTransactionAndRollsBackWithIt() {
    ThreadTransactions.Outer outer = host.beginOuter();
    storage.inTransaction(
        sender,
        (handle, messages) -> {
          handle.execute("INSERT INTO placed VALUES ('o-3', txid_current())");
          messages.send(new PlaceOrder("o-3"));
          return null;
        });
    assertThat(count("SELECT count(*) FROM pump.outbox")).as("not committed yet").isZero();
    outer.rollback();

    assertThat(count("SELECT count(*) FROM placed")).isZero();
    assertThat(count("SELECT count(*) FROM pump.outbox")).isZero();

    ThreadTransactions.Outer committed = host.beginOuter();
    storage.inTransaction(
        sender,
        (handle, messages) -> {
          handle.execute("INSERT INTO placed VALUES ('o-4', txid_current())");
          messages.send(new PlaceOrder("o-4"));
          return null;
        });
    committed.commit();

    assertThat(count("SELECT count(*) FROM placed")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM pump.outbox WHERE destination = 'orders'")).isEqualTo(1);
  }

  @Test
  void aFailedSessionInsideTheHostsTransactionDoomsIt() {
    ThreadTransactions.Outer outer = host.beginOuter();
    assertThatThrownBy(() ->
            storage.inTransaction(
                sender,
                (handle, messages) -> {
                  messages.send(new PlaceOrder("o-5"));
                  throw new IllegalStateException("refused");
                }))
        .hasMessage("refused");

    assertThatThrownBy(outer::commit).hasMessageContaining("marked for rollback");
    assertThat(count("SELECT count(*) FROM pump.outbox")).isZero();
  }

  @Test
  void anOutboxSessionWritesOnTheOwnersConnectionAndCommitsWithIt() throws Exception {
    OutboxSession session = storage.session(sender);
    session.send(new PlaceOrder("o-6"));
    session.publish(new OrderPlaced("o-6"));
    assertThat(session.hasPending()).isTrue();

    ThreadTransactions.Outer rolledBack = host.beginOuter();
    Connection connection = rolledBack.connection();
    assertThat(session.writeTo(connection)).isEqualTo(2);
    assertThat(session.hasPending()).isFalse();
    assertThat(connection.isClosed()).as("the owner's to close").isFalse();
    rolledBack.rollback();
    assertThat(count("SELECT count(*) FROM pump.outbox")).isZero();

    session.send(new PlaceOrder("o-7"));
    ThreadTransactions.Outer committed = host.beginOuter();
    assertThat(session.writeTo(committed.connection())).isEqualTo(1);
    assertThat(session.writeTo(committed.connection())).as("written once").isZero();
    committed.commit();
    session.committed();

    assertThat(count("SELECT count(*) FROM pump.outbox WHERE destination = 'orders'")).isEqualTo(1);
  }

  @Test
  void withAHostEveryClaimedMessageCountsTwoConnectionsAgainstThePool() {
    try (com.zaxxer.hikari.HikariDataSource pool =
            PumpDataSources.pooled(database.jdbcUrl(), database.user(), database.password(), 4);
        JdbcStorage hosted =
            JdbcStorage.builder()
                .dataSource(pool)
                .transactionHost(new ThreadTransactions(pool))
                .build();
        PostgresTransport queue = PostgresTransport.builder().storage(hosted).build()) {
      assertThatThrownBy(() -> endpointOn(hosted, queue, 3))
          .hasMessageContaining("each holding 2 connections (its queue claim")
          .hasMessageContaining("enlarge the pool to at least 6");
      endpointOn(hosted, queue, 2).close();
    }
  }

  private static Endpoint endpointOn(
      JdbcStorage storage, PostgresTransport queue, int concurrency) {
    return Endpoint.builder()
        .name("greedy")
        .transport(queue)
        .storage(storage)
        .concurrency(concurrency)
        .handler(PlaceOrder.class, (command, context) -> {})
        .build();
  }

  private static long count(String sql) {
    return storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }
}
