package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.jdbc.internal.queue.QueueStore;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the PostgreSQL queue transport promises beyond the common transport contract. */
@ExtendWith(PostgresExtension.class)
class PostgresQueueTest {
  static JdbcStorage storage;
  static TestDatabase database;
  final List<AutoCloseable> running = new ArrayList<>();

  @BeforeAll
  static void createStorage(TestDatabase db) {
    database = db;
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    storage.jdbi().useHandle(h -> h.execute("CREATE TABLE handled (message_id text NOT NULL)"));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : running.reversed()) {
      closeable.close();
    }
  }

  /**
   * A transport of "another process": its own storage, so nothing in this JVM wakes the receiver
   * directly and only a NOTIFY can.
   */
  private PostgresTransport otherProcess() {
    JdbcStorage other =
        JdbcStorage.builder().dataSource(database.dataSource()).migrate(false).build();
    running.add(other);
    PostgresTransport transport =
        PostgresTransport.builder().storage(other).pollInterval(Duration.ofMinutes(1)).build();
    running.add(transport);
    return transport;
  }

  private PostgresTransport transport(Duration pollInterval) {
    PostgresTransport transport =
        PostgresTransport.builder().storage(storage).pollInterval(pollInterval).build();
    running.add(transport);
    return transport;
  }

  @Test
  void fourCompetingEndpointInstancesHandleTenThousandMessagesExactlyOnce() {
    PostgresTransport sender = transport(Duration.ofMillis(200));
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      batch.add(OutgoingMessage.of("work-" + i, UnitOfWorkTest.headers(), UnitOfWorkTest.json(i)));
    }
    sender.send("work", batch);

    for (int instance = 0; instance < 4; instance++) {
      // each instance has its own transport, as separate processes would
      Endpoint endpoint =
          Endpoint.builder()
              .name("worker")
              .inputQueue("work")
              .transport(transport(Duration.ofMillis(200)))
              .storage(storage)
              .concurrency(2)
              .handler(
                  Ping.class,
                  (ping, context) ->
                      JdbcContext.handle(context)
                          .execute("INSERT INTO handled VALUES (?)", context.messageId()))
              .build();
      running.add(endpoint);
      endpoint.start();
    }

    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> count("SELECT count(*) FROM pump.queue_message WHERE queue = 'work'") == 0);
    assertThat(count("SELECT count(*) FROM handled WHERE message_id LIKE 'work-%'"))
        .isEqualTo(10_000);
    assertThat(
            count("SELECT count(DISTINCT message_id) FROM handled WHERE message_id LIKE 'work-%'"))
        .isEqualTo(10_000);
    assertThat(storage.operations().duplicatesSkipped()).isZero();
  }

  @Test
  void failedAttemptsAreStoredSoTheyOutliveTheProcess() throws Exception {
    PostgresTransport first = transport(Duration.ofMillis(50));
    first.send("attempts", List.of(OutgoingMessage.of("m-a", Map.of(), new byte[] {1})));
    ReceivedMessage received = first.receive("attempts", Duration.ofSeconds(5)).orElseThrow();
    assertThat(received.deliveryCount()).isEqualTo(1);
    received.abandon(Duration.ZERO);
    first.close();

    // a new transport, as after a restart, sees the attempt
    PostgresTransport restarted = transport(Duration.ofMillis(50));
    ReceivedMessage again = restarted.receive("attempts", Duration.ofSeconds(5)).orElseThrow();
    assertThat(again.messageId()).isEqualTo("m-a");
    assertThat(again.deliveryCount()).isEqualTo(2);
    again.complete();
  }

  @Test
  void aMessageThatBecameVisibleBehindWhereReceivesLookIsStillReceived() throws Exception {
    PostgresTransport transport = transport(Duration.ofMillis(50));
    transport.send("behind", List.of(OutgoingMessage.of("m-first", Map.of(), new byte[] {1})));
    ReceivedMessage first = transport.receive("behind", Duration.ofSeconds(5)).orElseThrow();
    first.complete();
    // as a message whose lease ran out in a process that died, or one a slow transaction
    // committed late: visible since long before the message the last receive found
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "INSERT INTO pump.queue_message (queue, message_id, body, visible_at)"
                    + " VALUES ('behind', 'm-behind', '\\x01', now() - interval '1 hour')"));
    transport.send("behind", List.of(OutgoingMessage.of("m-ahead", Map.of(), new byte[] {1})));

    List<String> received = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ReceivedMessage message = transport.receive("behind", Duration.ofSeconds(10)).orElseThrow();
      received.add(message.messageId());
      message.complete();
    }
    assertThat(received).containsExactlyInAnyOrder("m-behind", "m-ahead");
  }

  /**
   * A receive whose lease ran out before it claimed (a stalled thread, a loaded server) must not
   * wait for the receive that counted the message since: it gets nothing, at once. Waiting would
   * hold it (and the process's redelivery gate with it) until the other one's transaction ends.
   */
  @Test
  void aClaimWhoseLeaseRanOutGivesWayToTheReceiveThatCountedTheMessageSince() throws Exception {
    PostgresTransport transport = transport(Duration.ofMillis(50));
    transport.send("lapsed", List.of(OutgoingMessage.of("m-lapsed", Map.of(), new byte[] {1})));
    QueueStore queues = storage.runtime().queues();
    QueueStore.Counted first =
        storage
            .jdbi()
            // a lease that has run out by the next statement, as after a stall past it
            .withHandle(h -> queues.countDelivery(h, "lapsed", Duration.ZERO, null))
            .orElseThrow();
    try (org.jdbi.v3.core.Handle other = storage.jdbi().open();
        org.jdbi.v3.core.Handle late = storage.jdbi().open()) {
      QueueStore.Counted second =
          queues.countDelivery(other, "lapsed", Duration.ofSeconds(30), null).orElseThrow();
      assertThat(second.attempts()).isEqualTo(2);
      other.begin();
      assertThat(queues.claim(other, "lapsed", second)).isPresent();

      late.begin();
      // waiting for the other's lock would end here, in an error, not in an empty claim
      late.execute("SET LOCAL lock_timeout = '5s'");
      assertThat(queues.claim(late, "lapsed", first)).isEmpty();
      late.rollback();
      other.commit();
    }
  }

  @Test
  void aBacklogBehindWhereReceivesLookDrainsInOneGoNotOneMessageAScan() throws Exception {
    PostgresTransport transport = transport(Duration.ofMillis(50));
    transport.send("backlog", List.of(OutgoingMessage.of("m-fresh", Map.of(), new byte[] {1})));
    transport.receive("backlog", Duration.ofSeconds(5)).orElseThrow().complete();
    // twenty messages visible since an hour ago: leases that ran out in processes that died
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "INSERT INTO pump.queue_message (queue, message_id, body, visible_at)"
                    + " SELECT 'backlog', 'm-old-' || i, '\\x01', now() - interval '1 hour'"
                    + " FROM generate_series(1, 20) AS i"));

    // the first is found by the next scan from the head (within a second)...
    transport.receive("backlog", Duration.ofSeconds(5)).orElseThrow().complete();
    // ...and the rest at once: while scans from the head find rows that far back, they go on
    for (int i = 0; i < 19; i++) {
      Optional<ReceivedMessage> next = transport.receive("backlog", Duration.ZERO);
      assertThat(next).as("message %d of the backlog, received without waiting", i + 2).isPresent();
      next.get().complete();
    }
  }

  @Test
  void aSendStampedAgainAfterALateCommitIsVisibleFromNowAndHeldOrDelayedRowsKeepTheirTime() {
    PostgresTransport transport = transport(Duration.ofMillis(50));
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "INSERT INTO pump.queue_message (queue, message_id, body, visible_at, leased_until)"
                    + " VALUES ('late', 'm-late', '', now() - interval '1 hour', NULL),"
                    + " ('late', 'm-held', '', now() - interval '1 hour', now() + interval '1 hour'),"
                    + " ('late', 'm-delayed', '', now() + interval '1 hour', NULL)"));
    QueueStore.Sent sent =
        storage
            .jdbi()
            .withHandle(h ->
                h.createQuery(
                        "SELECT array_agg(queue) AS queues, array_agg(id) AS ids,"
                            + " array_agg(visible_at::text) AS ats FROM pump.queue_message"
                            + " WHERE queue = 'late'")
                    .map((rs, ctx) -> {
                      Long[] ids = (Long[]) rs.getArray("ids").getArray();
                      return new QueueStore.Sent(
                          (String[]) rs.getArray("queues").getArray(),
                          java.util.Arrays.stream(ids).mapToLong(Long::longValue).toArray(),
                          (String[]) rs.getArray("ats").getArray());
                    })
                    .one());

    int stamped = storage.jdbi().withHandle(h -> storage.runtime().queues().restamp(h, sent));

    assertThat(stamped).isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM pump.queue_message WHERE message_id = 'm-late'"
                    + " AND visible_at > now() - interval '1 minute'"))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM pump.queue_message WHERE message_id = 'm-held'"
                    + " AND visible_at < now() - interval '59 minutes'"))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM pump.queue_message WHERE message_id = 'm-delayed'"
                    + " AND visible_at > now() + interval '59 minutes'"))
        .isEqualTo(1);
  }

  /**
   * A transaction that holds a snapshot (a stuck report, a forgotten session) keeps vacuum from
   * removing the dead row versions of every message handled since. A receive must not walk them
   * all: counted with {@code pg_stat_user_indexes.idx_tup_read}, the index entries a scan read.
   */
  @Test
  void underALongTransactionAReceiveDoesNotWalkTheMessagesHandledBefore(TestDatabase db)
      throws Exception {
    String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=";
    try (JdbcStorage setup =
            JdbcStorage.builder()
                .jdbcUrl(url + "scan-setup", db.user(), db.password())
                .schema("scan")
                .build();
        java.sql.Connection longTransaction = db.connect()) {
      longTransaction.setAutoCommit(false);
      longTransaction.setTransactionIsolation(java.sql.Connection.TRANSACTION_REPEATABLE_READ);
      try (var statement = longTransaction.createStatement()) {
        statement.executeQuery("SELECT count(*) FROM scan.queue_message").close();
      }

      // 2,000 messages that became visible over 20 s, all handled while the snapshot is held
      setup
          .jdbi()
          .useHandle(h ->
              h.execute(
                  "INSERT INTO scan.queue_message (queue, message_id, body, visible_at)"
                      + " SELECT 'churn', 'old-' || i, '\\x01',"
                      + " now() - interval '30 seconds' + i * interval '10 milliseconds'"
                      + " FROM generate_series(1, 2000) AS i"));
      handleAll(url + "scan-churn", db, 2_000);
      long before = entriesRead(setup);

      PostgresTransport sender = PostgresTransport.builder().storage(setup).build();
      running.add(sender);
      List<OutgoingMessage> batch = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        batch.add(OutgoingMessage.of("new-" + i, Map.of(), new byte[] {1}));
      }
      sender.send("churn", batch);
      handleAll(url + "scan-measured", db, 200);
      long perReceive = (entriesRead(setup) - before) / 200;

      // from the head, each receive would read the two dead entries of each of the 2,000 (the
      // insert and the delivery count); from where the live messages begin it reads a few, plus
      // one walk from the head a second
      assertThat(perReceive).isLessThan(500);
      longTransaction.rollback();
    }
  }

  /**
   * Statistics that say the queue is nearly empty while it is not (taken a moment before a burst)
   * must not change what a receive does: it counts a delivery of one message, not of every message
   * the planner's join happens to visit. Generic plans forced, as a pooled connection reaches them.
   */
  @Test
  void aReceiveCountsTheDeliveryOfOneMessageWhateverTheStatistics(TestDatabase db)
      throws Exception {
    String url =
        db.jdbcUrl()
            + (db.jdbcUrl().contains("?") ? "&" : "?")
            + "options=-c%20plan_cache_mode%3Dforce_generic_plan";
    try (JdbcStorage own =
            JdbcStorage.builder().jdbcUrl(url, db.user(), db.password()).schema("counted").build();
        PostgresTransport transport = PostgresTransport.builder().storage(own).build()) {
      own.jdbi()
          .useHandle(h -> {
            h.execute(
                "INSERT INTO counted.queue_message (queue, message_id, body) VALUES ('q', 'm-0', '')");
            h.execute("ANALYZE counted.queue_message");
            h.execute(
                "INSERT INTO counted.queue_message (queue, message_id, body, visible_at)"
                    + " SELECT 'q', 'm-' || i, '', now() - interval '1 minute'"
                    + " FROM generate_series(1, 300) AS i");
          });
      for (int i = 0; i < 30; i++) {
        transport.receive("q", Duration.ofSeconds(5)).orElseThrow().complete();
      }
      long counted =
          own.jdbi()
              .withHandle(h ->
                  h.createQuery("SELECT count(*) FROM counted.queue_message WHERE attempts > 0")
                      .mapTo(Long.class)
                      .one());
      assertThat(counted).as("messages counted but not received").isZero();
    }
  }

  /**
   * Receives and completes {@code count} messages of "churn" on a pool of its own, then closes it.
   */
  private static void handleAll(String url, TestDatabase db, int count) throws Exception {
    try (JdbcStorage own =
            JdbcStorage.builder()
                .jdbcUrl(url, db.user(), db.password())
                .schema("scan")
                .migrate(false)
                .build();
        PostgresTransport transport = PostgresTransport.builder().storage(own).build()) {
      for (int i = 0; i < count; i++) {
        transport.receive("churn", Duration.ofSeconds(5)).orElseThrow().complete();
      }
    }
    // a backend reports its statistics when it exits, at the latest
    String name = url.substring(url.lastIndexOf('=') + 1);
    await()
        .until(() ->
            count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + name + "'")
                == 0);
  }

  private static long entriesRead(JdbcStorage storage) {
    return storage
        .jdbi()
        .withHandle(h -> {
          h.execute("SELECT pg_stat_clear_snapshot()");
          return h.createQuery(
                  "SELECT idx_tup_read FROM pg_stat_user_indexes"
                      + " WHERE schemaname = 'scan' AND indexrelname = 'queue_message_claim_idx'")
              .mapTo(Long.class)
              .one();
        });
  }

  @Test
  void aRowWithUnreadableHeadersGoesToTheErrorQueueWithTheReasonAndThePumpGoesOn() {
    storage
        .jdbi()
        .useHandle(h -> {
          h.execute(
              "INSERT INTO pump.queue_message (queue, message_id, headers, body)"
                  + " VALUES ('garbled', 'm-bad', '[1, 2, 3]', '\\x00ff')");
          h.execute(
              "INSERT INTO pump.queue_message (queue, message_id, headers, body)"
                  + " VALUES ('garbled', 'm-good', ?::jsonb, ?)",
              "{\""
                  + Headers.CONTENT_TYPE
                  + "\":\"application/json\",\""
                  + Headers.ENCLOSED_TYPES
                  + "\":\""
                  + Ping.class.getName()
                  + "\"}",
              UnitOfWorkTest.json(1));
        });
    PostgresTransport transport = transport(Duration.ofMillis(50));
    List<Integer> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
    Endpoint endpoint =
        Endpoint.builder()
            .name("garbled")
            .transport(transport)
            .storage(storage)
            .recoverability(Recoverability.noRetries())
            .handler(Ping.class, (ping, context) -> handled.add(ping.number()))
            .build();
    running.add(endpoint);
    endpoint.start();

    await()
        .until(() ->
            handled.size() == 1
                && count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'") == 1);
    Map<String, Object> parked =
        storage
            .jdbi()
            .withHandle(h ->
                h.createQuery(
                        "SELECT message_id, headers->>'pump.failure.exception-message' AS reason,"
                            + " headers->>'pump.unreadable-headers' AS raw, body"
                            + " FROM pump.queue_message WHERE queue = 'error'")
                    .mapToMap()
                    .one());
    assertThat(parked.get("message_id")).isEqualTo("m-bad");
    assertThat((String) parked.get("reason")).contains("unreadable headers").contains("m-bad");
    assertThat(parked.get("raw")).isEqualTo("[1, 2, 3]");
    assertThat((byte[]) parked.get("body")).containsExactly(0, 0xff);
  }

  @Test
  void anIdleReceiverWakesOnANotificationFromAnotherProcessNotOnItsPoll() throws Exception {
    // a poll interval longer than the receive wait: only a NOTIFY can deliver the message in time
    PostgresTransport receiver = transport(Duration.ofMinutes(1));
    PostgresTransport other = otherProcess();
    await().until(() -> listening() >= 2);

    Thread.ofVirtual()
        .start(() -> other.send("wake", List.of(OutgoingMessage.of("m-w", Map.of(), new byte[0]))));
    Optional<ReceivedMessage> received = receiver.receive("wake", Duration.ofSeconds(30));

    assertThat(received).isPresent();
    received.get().complete();
  }

  @Test
  void aDatabaseThatCannotBeReachedIsReportedAsTheTransportBeingUnavailable(TestDatabase db)
      throws Exception {
    // a pool of one whose only connection is taken: the next send cannot get one
    try (HikariDataSource pool =
        PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 1)) {
      pool.setConnectionTimeout(250);
      JdbcStorage starved = JdbcStorage.builder().dataSource(pool).migrate(false).build();
      try (PostgresTransport transport = PostgresTransport.builder().storage(starved).build();
          java.sql.Connection taken = pool.getConnection()) {
        assertThat(taken.isValid(1)).isTrue();
        OutgoingMessage message = OutgoingMessage.of("m-1", Map.of(), new byte[] {'{', '}'});
        assertThatThrownBy(() -> transport.send("starved", List.of(message)))
            .isInstanceOf(TransportUnavailableException.class)
            .hasMessageContaining("send of 1 messages to starved failed");
        assertThatThrownBy(() -> transport.receive("starved", Duration.ZERO))
            .isInstanceOf(TransportUnavailableException.class);
      }
      // a refusal by the database itself is an ordinary failure, held against the messages
      try (PostgresTransport transport = PostgresTransport.builder().storage(starved).build()) {
        OutgoingMessage tooLong = OutgoingMessage.of("x".repeat(300), Map.of(), new byte[] {'1'});
        assertThatThrownBy(() -> transport.send("starved", List.of(tooLong)))
            .isInstanceOf(TransportException.class)
            .isNotInstanceOf(TransportUnavailableException.class);
      }
    }
  }

  @Test
  void theListenConnectionComesBackAfterTheDatabaseKillsIt() throws Exception {
    PostgresTransport receiver = transport(Duration.ofMinutes(1));
    PostgresTransport other = otherProcess();
    await().until(() -> listening() >= 2);

    storage
        .jdbi()
        .useHandle(h ->
            h.createQuery(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND query LIKE 'LISTEN%'")
                .mapTo(Boolean.class)
                .list());
    await().until(() -> listening() >= 2);

    other.send("after-kill", List.of(OutgoingMessage.of("m-k", Map.of(), new byte[0])));
    Optional<ReceivedMessage> received = receiver.receive("after-kill", Duration.ofSeconds(30));
    assertThat(received).isPresent();
    received.get().complete();
  }

  private static long listening() {
    return count(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND query LIKE 'LISTEN%' AND state = 'idle'");
  }

  private static long count(String sql) {
    Long value = storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    return value == null ? 0 : value;
  }
}
