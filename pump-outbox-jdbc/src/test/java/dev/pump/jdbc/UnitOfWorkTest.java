package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Context;
import dev.pump.core.Endpoint;
import dev.pump.core.PumpException;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One transaction per message: business rows and outbox rows commit or roll back together. */
@ExtendWith(PostgresExtension.class)
class UnitOfWorkTest {
  static HikariDataSource pool;
  static JdbcStorage storage;
  InMemoryTransport transport;
  final List<Endpoint> endpoints = new ArrayList<>();

  @BeforeAll
  static void createStorage(TestDatabase db) {
    pool = (HikariDataSource) db.dataSource();
    storage = JdbcStorage.builder().dataSource(pool).build();
    storage.jdbi().useHandle(h -> h.execute("CREATE TABLE note (text text NOT NULL)"));
  }

  @BeforeEach
  void cleanTables() {
    storage.jdbi().useHandle(h -> h.execute("TRUNCATE note, pump.outbox, pump.inbox"));
    transport = InMemoryTransport.create();
  }

  @AfterEach
  void stop() {
    endpoints.forEach(e -> e.stop(Duration.ofSeconds(5)));
    transport.close();
  }

  private Endpoint start(String name, Class<Ping> type, dev.pump.core.Handler<Ping> handler) {
    return start(name, type, handler, TransactionIsolationLevel.READ_COMMITTED);
  }

  private Endpoint start(
      String name,
      Class<Ping> type,
      dev.pump.core.Handler<Ping> handler,
      TransactionIsolationLevel isolation) {
    JdbcStorage used =
        isolation == TransactionIsolationLevel.READ_COMMITTED
            ? storage
            : JdbcStorage.builder().dataSource(pool).isolation(isolation).migrate(false).build();
    Endpoint endpoint =
        Endpoint.builder()
            .name(name)
            .transport(transport)
            .storage(used)
            .recoverability(Recoverability.noRetries())
            .receiveWait(Duration.ofMillis(100))
            .handler(type, handler)
            .build();
    endpoint.start();
    endpoints.add(endpoint);
    return endpoint;
  }

  @Test
  void aHandlerThatWritesAndSendsThenThrowsLeavesNeitherRowNorOutboxEntries() {
    start(
        "failing",
        Ping.class,
        (ping, context) -> {
          JdbcContext.handle(context).execute("INSERT INTO note VALUES ('written')");
          context.send("billing", new Ping(1));
          context.send("shipping", new Ping(2));
          throw new IllegalStateException("the handler fails after its writes");
        });
    transport.send("failing", List.of(ping("m-fail")));

    await().until(() -> transport.queueStats("error").total() == 1);
    assertThat(count("SELECT count(*) FROM note")).isZero();
    assertThat(count("SELECT count(*) FROM pump.outbox")).isZero();
    assertThat(count("SELECT count(*) FROM pump.inbox")).isZero();
    assertThat(transport.queueStats("billing").total()).isZero();
  }

  @Test
  void aSuccessfulHandlersWritesAndSendsCommitTogetherWithItsInboxRow() {
    start(
        "orders",
        Ping.class,
        (ping, context) -> {
          JdbcContext.handle(context).execute("INSERT INTO note VALUES ('order stored')");
          context.send("billing", new Ping(1));
          context.publish(new Ping(2));
        });
    transport.send("orders", List.of(ping("m-ok")));

    await().until(() -> count("SELECT count(*) FROM pump.inbox") == 1);
    assertThat(count("SELECT count(*) FROM note")).isEqualTo(1);
    List<Map<String, Object>> outbox =
        storage
            .jdbi()
            .withHandle(h ->
                h.createQuery(
                        "SELECT endpoint, causation_id, kind, destination FROM pump.outbox ORDER BY id")
                    .mapToMap()
                    .list());
    assertThat(outbox)
        .extracting(r ->
            r.get("endpoint")
                + "/"
                + r.get("causation_id")
                + "/"
                + r.get("kind")
                + "/"
                + r.get("destination"))
        .containsExactly(
            "orders/m-ok/send/billing",
            "orders/m-ok/publish/dev.pump.core.testing.TestMessages.Ping");
    // the outbox holds them; nothing went to the transport behind its back
    assertThat(transport.queueStats("billing").total()).isZero();
  }

  @Test
  void handlersThatDoNotUseJdbiGetThePlainJdbcConnectionOfTheSameTransaction() {
    start(
        "plain-jdbc",
        Ping.class,
        (ping, context) -> {
          try (PreparedStatement insert =
              JdbcContext.connection(context).prepareStatement("INSERT INTO note VALUES (?)")) {
            insert.setString(1, "via jdbc");
            insert.executeUpdate();
          }
          throw new IllegalStateException("rolled back with everything else");
        });
    transport.send("plain-jdbc", List.of(ping("m-jdbc")));

    await().until(() -> transport.queueStats("error").total() == 1);
    assertThat(count("SELECT count(*) FROM note")).isZero();
  }

  @Test
  void theHandleCannotBeUsedOnceTheMessageIsDone() {
    AtomicReference<Context> kept = new AtomicReference<>();
    start("keeper", Ping.class, (ping, context) -> kept.set(context));
    transport.send("keeper", List.of(ping("m-keep")));

    await().until(() -> kept.get() != null && count("SELECT count(*) FROM pump.inbox") == 1);
    assertThatThrownBy(() -> JdbcContext.handle(kept.get()))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("m-keep")
        .hasMessageContaining("no database transaction");
  }

  @Test
  void anEndpointWithoutStorageGetsAClearErrorFromJdbcContext() {
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Endpoint bare =
        Endpoint.builder()
            .name("bare")
            .transport(transport)
            .recoverability(Recoverability.noRetries())
            .receiveWait(Duration.ofMillis(100))
            .handler(
                Ping.class,
                (ping, context) -> {
                  try {
                    JdbcContext.handle(context);
                  } catch (PumpException e) {
                    errors.add(e);
                  }
                })
            .build();
    endpoints.add(bare);
    bare.start();
    transport.send("bare", List.of(ping("m-bare")));

    await().until(() -> errors.size() == 1);
    assertThat(errors.getFirst()).hasMessageContaining("give the endpoint a JdbcStorage");
  }

  @Test
  void anEndpointWhoseRetriesOutlastTheInboxRetentionIsRefused() {
    JdbcStorage shortMemory =
        JdbcStorage.builder()
            .dataSource(pool)
            .migrate(false)
            .inboxRetention(Duration.ofHours(1))
            .build();

    assertThatThrownBy(() ->
            Endpoint.builder()
                .name("patient")
                .transport(transport)
                .storage(shortMemory)
                .recoverability(
                    Recoverability.builder()
                        .delayedRetries(2)
                        .delayedRetryIncrement(Duration.ofHours(1))
                        .build())
                .build())
        .isInstanceOf(dev.pump.core.PumpConfigurationException.class)
        .hasMessageContaining("endpoint patient retries a message for up to PT3H")
        .hasMessageContaining("storage.inboxRetention PT1H");
  }

  @Test
  void theIsolationLevelIsConfigurable() {
    List<String> seen = new CopyOnWriteArrayList<>();
    start(
        "serializable",
        Ping.class,
        (ping, context) ->
            seen.add(
                JdbcContext.handle(context)
                    .createQuery("SELECT current_setting('transaction_isolation')")
                    .mapTo(String.class)
                    .one()),
        TransactionIsolationLevel.SERIALIZABLE);
    transport.send("serializable", List.of(ping("m-iso")));

    await().until(() -> seen.size() == 1);
    assertThat(seen).containsExactly("serializable");
  }

  @Test
  void everyConnectionGoesBackToThePoolWhateverTheOutcome() {
    start(
        "mixed",
        Ping.class,
        (ping, context) -> {
          JdbcContext.handle(context).execute("INSERT INTO note VALUES ('x')");
          if (ping.number() % 2 == 0) {
            throw new IllegalStateException("even numbers fail");
          }
        });
    List<dev.pump.core.spi.OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      batch.add(dev.pump.core.spi.OutgoingMessage.of("m-" + i, headers(), json(i)));
    }
    transport.send("mixed", batch);

    await()
        .until(() ->
            transport.queueStats("error").total() == 20
                && count("SELECT count(*) FROM note") == 20);
    await().until(() -> pool.getHikariPoolMXBean().getActiveConnections() == 0);
  }

  @Test
  void theTransactionalSessionCommitsBusinessRowsAndMessagesTogether() {
    Endpoint web = Endpoint.builder().name("web").transport(transport).build();

    storage.inTransaction(
        web,
        (handle, sender) -> {
          handle.execute("INSERT INTO note VALUES ('from a web request')");
          sender.send("billing", new Ping(7));
          return null;
        });
    assertThatThrownBy(() ->
            storage.inTransaction(
                web,
                (Handle handle, dev.pump.core.MessageSender sender) -> {
                  handle.execute("INSERT INTO note VALUES ('never')");
                  sender.send("billing", new Ping(8));
                  throw new java.io.IOException("the request failed");
                }))
        .isInstanceOf(PumpException.class)
        .hasRootCauseMessage("the request failed");

    assertThat(count("SELECT count(*) FROM note")).isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM pump.outbox WHERE endpoint = 'web' AND causation_id IS NULL"))
        .isEqualTo(1);
  }

  @Test
  void aHandlerThatCatchesADatabaseErrorAndGoesOnFailsItsMessageInsteadOfLosingIt() {
    start(
        "catching",
        Ping.class,
        (ping, context) -> {
          Handle handle = JdbcContext.handle(context);
          handle.execute("INSERT INTO note VALUES ('before the error')");
          try {
            handle.execute("INSERT INTO note VALUES (NULL)");
          } catch (UnableToExecuteStatementException refused) {
            // caught, and the handler returns normally: its transaction is aborted all the same
          }
        });
    transport.send("catching", List.of(ping("m-caught")));

    await().until(() -> transport.queueStats("error").total() == 1);
    assertThat(count("SELECT count(*) FROM note")).isZero();
    assertThat(count("SELECT count(*) FROM pump.inbox")).isZero();
  }

  @Test
  void aTransactionalSessionThatCaughtADatabaseErrorIsNotReportedAsCommitted() {
    Endpoint web = Endpoint.builder().name("web").transport(transport).build();

    assertThatThrownBy(() ->
            storage.inTransaction(
                web,
                (handle, sender) -> {
                  handle.execute("INSERT INTO note VALUES ('before the error')");
                  try {
                    handle.execute("INSERT INTO note VALUES (NULL)");
                  } catch (UnableToExecuteStatementException refused) {
                    // caught: the session must not then report a commit that did not happen
                  }
                  return null;
                }))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("null value in column");
    assertThat(count("SELECT count(*) FROM note")).isZero();
  }

  private static long count(String sql) {
    return storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  private static dev.pump.core.spi.OutgoingMessage ping(String id) {
    return dev.pump.core.spi.OutgoingMessage.of(id, headers(), json(1));
  }

  static Map<String, String> headers() {
    return Map.of(
        dev.pump.core.Headers.CONTENT_TYPE,
        "application/json",
        dev.pump.core.Headers.ENCLOSED_TYPES,
        Ping.class.getName());
  }

  static byte[] json(int number) {
    return ("{\"number\":" + number + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
