package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL kills every connection of the service, again and again, while it handles a load:
 * transactions roll back, the pump backs off and resumes, and every message is handled exactly
 * once.
 */
@ExtendWith(PostgresExtension.class)
class DatabaseOutageTest {

  @Test
  void terminatedConnectionsLoseNothingAndHandleNothingTwice(TestDatabase db) throws Exception {
    JdbcStorage storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    storage.jdbi().useHandle(h -> h.execute("CREATE TABLE handled (message_id text NOT NULL)"));
    int messages = 2_000;
    AtomicInteger blocked = new AtomicInteger();
    AtomicInteger attempts = new AtomicInteger();
    AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
    try (PostgresTransport transport = PostgresTransport.builder().storage(storage).build()) {
      List<OutgoingMessage> batch = new ArrayList<>();
      for (int i = 0; i < messages; i++) {
        batch.add(
            OutgoingMessage.of("load-" + i, UnitOfWorkTest.headers(), UnitOfWorkTest.json(i)));
      }
      transport.send("load", batch);
      Endpoint endpoint =
          Endpoint.builder()
              .name("load")
              .transport(transport)
              .storage(storage)
              .concurrency(4)
              .receiveBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
              .recoverability(
                  Recoverability.builder().delayedRetries(0).immediateRetries(50).build())
              .handler(
                  Ping.class,
                  (ping, context) -> {
                    attempts.incrementAndGet();
                    JdbcContext.handle(context)
                        .execute("INSERT INTO handled VALUES (?)", context.messageId());
                    // hold the transaction open until the kill, so it is cut mid-flight
                    CountDownLatch current = gate.get();
                    if (current.getCount() > 0) {
                      blocked.incrementAndGet();
                      current.await(30, TimeUnit.SECONDS);
                    }
                  })
              .build();
      endpoint.start();
      try {
        // kill every other connection of this database five times while the load runs, each
        // time while a handler holds its transaction open, so the kill lands mid-flight
        for (int kill = 0; kill < 5; kill++) {
          int before = handled(db);
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> handled(db) > before + 50 || handled(db) == messages);
          CountDownLatch hold = new CountDownLatch(1);
          int blockedBefore = blocked.get();
          gate.set(hold);
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> blocked.get() > blockedBefore || handled(db) == messages);
          terminateOtherConnections(db);
          gate.set(new CountDownLatch(0));
          hold.countDown();
        }
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> remaining(db) == 0 && handled(db) == messages);
      } finally {
        endpoint.stop(Duration.ofSeconds(5));
      }
    }
    assertThat(handled(db)).isEqualTo(messages);
    // killed transactions were rolled back and their messages handled again
    assertThat(attempts.get()).isGreaterThan(messages);
    assertThat(query(db, "SELECT count(DISTINCT message_id) FROM handled")).isEqualTo(messages);
    assertThat(query(db, "SELECT count(*) FROM pump.inbox")).isEqualTo(messages);
    assertThat(query(db, "SELECT count(*) FROM pump.queue_message WHERE queue = 'error'")).isZero();
  }

  private static void terminateOtherConnections(TestDatabase db) throws Exception {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    }
  }

  private static int handled(TestDatabase db) throws Exception {
    return query(db, "SELECT count(*) FROM handled");
  }

  private static int remaining(TestDatabase db) throws Exception {
    return query(db, "SELECT count(*) FROM pump.queue_message WHERE queue = 'load'");
  }

  private static int query(TestDatabase db, String sql) throws Exception {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement();
        var result = statement.executeQuery(sql)) {
      result.next();
      return result.getInt(1);
    }
  }
}
