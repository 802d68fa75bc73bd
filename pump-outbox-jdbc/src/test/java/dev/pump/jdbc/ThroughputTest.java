package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Throughput and relay lag over time, read from the inbox and the outbox. */
@ExtendWith(PostgresExtension.class)
class ThroughputTest {
  static JdbcStorage storage;
  static PostgresTransport transport;

  record Ping(int n) {}

  @BeforeAll
  static void createStorage(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    transport = PostgresTransport.builder().storage(storage).build();
  }

  @AfterAll
  static void close() {
    transport.close();
  }

  @BeforeEach
  void empty() {
    storage.jdbi().useHandle(h -> h.execute("TRUNCATE pump.outbox, pump.inbox"));
  }

  @Test
  void eachIntervalCountsWhatWasHandledAndRelayedInItAndHowLongDueRowsWaited() {
    storage
        .jdbi()
        .useHandle(h -> {
          // 30 minutes ago: 3 handled; 2 relayed, due 2 s and 6 s before they went out
          h.execute(
              "INSERT INTO pump.inbox (endpoint, message_id, processed_at) SELECT 'orders',"
                  + " 'old-' || g, now() - interval '30 minutes' FROM generate_series(1, 3) g");
          h.execute(
              "INSERT INTO pump.outbox (endpoint, destination, message_id, body, created_at,"
                  + " due_at, dispatched_at) VALUES"
                  + " ('orders', 'billing', 'r-1', '\\x00', now() - interval '31 minutes',"
                  + "  now() - interval '30 minutes 2 seconds', now() - interval '30 minutes'),"
                  + " ('orders', 'billing', 'r-2', '\\x00', now() - interval '31 minutes',"
                  + "  now() - interval '30 minutes 6 seconds', now() - interval '30 minutes')");
          // outside the window, and still pending: neither counts
          h.execute(
              "INSERT INTO pump.inbox (endpoint, message_id, processed_at) VALUES"
                  + " ('orders', 'ancient', now() - interval '2 hours')");
          h.execute(
              "INSERT INTO pump.outbox (endpoint, destination, message_id, body) VALUES"
                  + " ('orders', 'billing', 'pending', '\\x00')");
        });

    Throughput last = storage.operations().throughput();

    assertThat(last.interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(last.intervals()).hasSizeBetween(60, 61);
    assertThat(last.from()).isEqualTo(last.from().truncatedTo(ChronoUnit.MINUTES));
    assertThat(last.to()).isAfter(last.intervals().getLast().start());
    assertThat(last.handled()).isEqualTo(3);
    assertThat(last.dispatched()).isEqualTo(2);
    Throughput.Interval busy =
        last.intervals().stream().filter(i -> i.handled() > 0).findFirst().orElseThrow();
    assertThat(busy.dispatched()).isEqualTo(2);
    assertThat(busy.relayLagAvg()).isEqualTo(Duration.ofSeconds(4));
    assertThat(busy.relayLagMax()).isEqualTo(Duration.ofSeconds(6));
    assertThat(Duration.between(busy.start(), last.to()))
        .isBetween(Duration.ofMinutes(29), Duration.ofMinutes(31));
    assertThat(last.intervals())
        .filteredOn(i -> i != busy)
        .allSatisfy(i -> {
          assertThat(i.handled()).isZero();
          assertThat(i.relayLagMax()).isZero();
        });
    assertThat(last.maxRelayLag()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void handledMessagesAndTheirSendsShowInTheCurrentInterval() {
    Endpoint pings =
        Endpoint.builder()
            .name("pings")
            .transport(transport)
            .storage(storage)
            .handler(Ping.class, (ping, context) -> context.send("pongs", ping))
            .build();
    Endpoint web = Endpoint.builder().name("web").transport(transport).build();
    try (pings;
        OutboxDispatcher dispatcher =
            OutboxDispatcher.builder().storage(storage).transport(transport).build()) {
      pings.start();
      dispatcher.start();
      Instant before = Instant.now();
      for (int i = 0; i < 20; i++) {
        int n = i;
        storage.inTransaction(
            web,
            (h, sender) -> {
              sender.send("pings", new Ping(n));
              return null;
            });
      }
      // 20 pings relayed to pings, handled there, and 20 pongs relayed on
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> {
            Throughput t =
                storage.operations().throughput(Duration.ofMinutes(2), Duration.ofSeconds(10));
            return t.handled() == 20 && t.dispatched() == 40;
          });
      Throughput t = storage.operations().throughput(Duration.ofMinutes(2), Duration.ofSeconds(10));
      assertThat(t.intervals())
          .filteredOn(i -> i.handled() > 0)
          .allSatisfy(i -> assertThat(i.start()).isAfter(before.minusSeconds(11)));
      assertThat(t.maxRelayLag()).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void aWindowOrIntervalOutOfRangeIsRefusedNamingWhich() {
    PumpOperations operations = storage.operations();
    assertThatThrownBy(() -> operations.throughput(Duration.ofDays(2), Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window must be between");
    assertThatThrownBy(() -> operations.throughput(Duration.ofHours(1), Duration.ofSeconds(1)))
        .hasMessageContaining("interval must be whole seconds");
    assertThatThrownBy(() -> operations.throughput(Duration.ofHours(1), Duration.ofMillis(10_500)))
        .hasMessageContaining("interval must be whole seconds");
    assertThatThrownBy(() -> operations.throughput(Duration.ofDays(1), Duration.ofSeconds(10)))
        .hasMessageContaining("at most 1440 intervals");
    assertThat(operations.throughput(Duration.ofDays(1), Duration.ofMinutes(1)).intervals())
        .hasSizeBetween(1440, 1441);
  }
}
