package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failures that would repeat on every delivery park a message at once with the database's reason,
 * and a message cancelled by stop commits nothing, even when its handler ignores the cancellation
 * and returns after stop did.
 */
@ExtendWith(PostgresExtension.class)
class PermanentFailuresTest {
  private static final Recoverability RETRIES =
      Recoverability.builder()
          .immediateRetries(3)
          .delayedRetries(2)
          .delayedRetryIncrement(Duration.ofSeconds(1))
          .build();

  static HikariDataSource pool;
  static JdbcStorage storage;
  InMemoryTransport memory;
  final List<AutoCloseable> running = new ArrayList<>();

  @BeforeAll
  static void createStorage(TestDatabase db) {
    pool = (HikariDataSource) db.dataSource();
    storage = JdbcStorage.builder().dataSource(pool).build();
    storage
        .jdbi()
        .useHandle(
            h -> h.execute("CREATE TABLE remark (text text NOT NULL CHECK (length(text) <= 20))"));
  }

  @BeforeEach
  void clean() {
    storage
        .jdbi()
        .useHandle(h -> h.execute("TRUNCATE remark, pump.outbox, pump.inbox, pump.queue_message"));
    memory = InMemoryTransport.create();
    running.add(memory);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : running.reversed()) {
      closeable.close();
    }
  }

  @Test
  void aBusinessWriteTheDatabaseRefusesForGoodParksTheMessageAtOnceWithTheReason() {
    AtomicInteger attempts = new AtomicInteger();
    start(
        endpoint("remarks", memory)
            .recoverability(RETRIES)
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  JdbcContext.handle(context)
                      .execute("INSERT INTO remark VALUES (?)", "nul \u0000 inside");
                }));
    memory.send("remarks", List.of(ping("m-refused")));

    ReceivedMessage parked = awaitParked(memory);
    assertThat(attempts).hasValue(1);
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE)
        .containsEntry(Headers.EXCEPTION_TYPE, UnrecoverableMessageException.class.getName());
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .contains("message m-refused: the database refused its data for good (SQL state 22");
    assertThat(count("SELECT count(*) FROM pump.inbox")).isZero();
  }

  @Test
  void aWriteACheckConstraintRefusesParksTheMessageAtOnce() {
    AtomicInteger attempts = new AtomicInteger();
    start(
        endpoint("checked", memory)
            .recoverability(RETRIES)
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  JdbcContext.handle(context)
                      .execute(
                          "INSERT INTO remark VALUES (?)", "far longer than twenty characters");
                }));
    memory.send("checked", List.of(ping("m-checked")));

    ReceivedMessage parked = awaitParked(memory);
    assertThat(attempts).hasValue(1);
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .contains("message m-checked: the database refused its data for good (SQL state 23514)");
  }

  @Test
  void anIncomingMessageIdTheInboxCannotHoldIsParkedAtOnceWithoutRunningItsHandlers() {
    AtomicInteger handled = new AtomicInteger();
    start(
        endpoint("inbox-ids", memory)
            .recoverability(RETRIES)
            .handler(Ping.class, (ping, context) -> handled.incrementAndGet()));
    memory.send("inbox-ids", List.of(ping("in\u0000box")));

    ReceivedMessage parked = awaitParked(memory);
    assertThat(handled).hasValue(0);
    assertThat(parked.messageId()).isEqualTo("in\\u0000box");
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .contains("the message id must not contain a NUL character");
    assertThat(count("SELECT count(*) FROM pump.inbox")).isZero();
  }

  @Test
  void aDelayedMessageTheDatabaseRefusesIsReportedAsUnrecoverable() {
    Map<String, String> headers = new HashMap<>(headers());
    headers.put("note", "a\u0000b");

    assertThatThrownBy(() ->
            storage.sendLater(
                "later",
                "later",
                new OutgoingMessage("m-later", headers, json(), Duration.ofMinutes(1))))
        .isInstanceOf(UnrecoverableMessageException.class)
        .hasMessageContaining("message m-later: the database refused its data for good")
        .hasMessageContaining("SQL state 22");
    assertThat(count("SELECT count(*) FROM pump.outbox")).isZero();
  }

  @Test
  void aHandlerThatIgnoresCancellationCommitsNothingAfterStopReturned() throws Exception {
    Semaphore release = new Semaphore(0);
    AtomicInteger returned = new AtomicInteger();
    Endpoint endpoint =
        start(
            endpoint("stubborn", memory)
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      JdbcContext.handle(context).execute("INSERT INTO remark VALUES ('late')");
                      release.acquireUninterruptibly();
                      returned.incrementAndGet();
                    }));
    memory.send("stubborn", List.of(ping("m-stubborn")));
    await().until(() -> memory.queueStats("stubborn").inFlight() == 1);

    stopWithinBounds(endpoint);
    release.release();

    await().until(() -> returned.get() == 1 && memory.queueStats("stubborn").inFlight() == 0);
    assertThat(memory.queueStats("stubborn").total()).as("given back, not completed").isEqualTo(1);
    assertThat(count("SELECT count(*) FROM remark")).isZero();
    assertThat(count("SELECT count(*) FROM pump.inbox")).isZero();
  }

  @Test
  void onThePostgresQueueAHandlerThatIgnoresCancellationLeavesItsMessageQueued() throws Exception {
    PostgresTransport transport = PostgresTransport.builder().storage(storage).build();
    running.add(transport);
    Semaphore release = new Semaphore(0);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger returned = new AtomicInteger();
    Endpoint endpoint =
        start(
            endpoint("pg-stubborn", transport)
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      started.incrementAndGet();
                      JdbcContext.handle(context).execute("INSERT INTO remark VALUES ('late')");
                      release.acquireUninterruptibly();
                      returned.incrementAndGet();
                    }));
    transport.send("pg-stubborn", List.of(ping("m-pg-stubborn")));
    await().until(() -> started.get() == 1);

    stopWithinBounds(endpoint);
    release.release();

    // once the claim's transaction is over (its row lock gone), the message is still queued
    await()
        .until(() ->
            returned.get() == 1
                && count(
                        "SELECT count(*) FROM (SELECT 1 FROM pump.queue_message"
                            + " WHERE queue = 'pg-stubborn' FOR UPDATE SKIP LOCKED) free")
                    == 1);
    assertThat(count("SELECT count(*) FROM remark")).isZero();
    assertThat(count("SELECT count(*) FROM pump.inbox")).isZero();
  }

  private static void stopWithinBounds(Endpoint endpoint) throws Exception {
    CompletableFuture.runAsync(() -> endpoint.stop(Duration.ofMillis(100)))
        .get(20, TimeUnit.SECONDS);
    assertThat(endpoint.state()).isEqualTo(Endpoint.State.STOPPED);
  }

  private dev.pump.core.EndpointBuilder endpoint(String name, Transport transport) {
    return Endpoint.builder()
        .name(name)
        .transport(transport)
        .storage(storage)
        .concurrency(2)
        .cancellationGrace(Duration.ofMillis(100))
        .recoverability(Recoverability.noRetries())
        .receiveWait(Duration.ofMillis(100));
  }

  private Endpoint start(dev.pump.core.EndpointBuilder builder) {
    Endpoint endpoint = builder.build();
    running.add(() -> endpoint.stop(Duration.ofSeconds(5)));
    endpoint.start();
    return endpoint;
  }

  private static ReceivedMessage awaitParked(InMemoryTransport memory) {
    await().until(() -> memory.queueStats("error").total() == 1);
    try {
      return memory.receive("error", Duration.ofSeconds(5)).orElseThrow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static long count(String sql) {
    return storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  private static OutgoingMessage ping(String id) {
    return OutgoingMessage.of(id, headers(), json());
  }

  private static Map<String, String> headers() {
    return UnitOfWorkTest.headers();
  }

  private static byte[] json() {
    return "{\"number\":1}".getBytes(StandardCharsets.UTF_8);
  }
}
