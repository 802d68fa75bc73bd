package dev.pump.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.Attributes;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.jdbc.internal.uow.UnitOfWork;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The settles of a batch claimed on the PostgreSQL queue, as the pump makes them when stop cancels
 * a batch: a handled message given back after another message of the batch wrote in the shared
 * transaction (its copy to the error queue, its row put back) cannot be undone alone, since undoing
 * it would undo that write too; the batch rolls back whole, and no message is lost.
 */
@ExtendWith(PostgresExtension.class)
class ClaimedBatchTest {
  static JdbcStorage storage;
  static PostgresTransport transport;

  @BeforeAll
  static void create(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    transport = PostgresTransport.builder().storage(storage).build();
    storage.jdbi().useHandle(h -> h.execute("CREATE TABLE claimed_effect (id text)"));
  }

  @AfterAll
  static void close() {
    transport.close();
  }

  @Test
  void aHandledMessageGivenBackAfterABatchMateWasMovedLosesNeither() throws Exception {
    String queue = "claimed-" + UUID.randomUUID();
    String errors = queue + "-error";
    List<ReceivedMessage> batch = receiveTwo(queue);
    ReceivedMessage handled = batch.get(0);
    ReceivedMessage parked = batch.get(1);

    handle(handled);
    // the pump parks the second without running it (over maxDeliveries, say)
    parked.completeAndSend(errors, copyOf(parked));
    // stop cancels the batch before the handled one is completed: it is given back
    handled.abandon(Duration.ZERO);

    assertThat(effects()).as("nothing of the batch committed").isZero();
    assertThat(rows(queue, handled.messageId()) + rows(errors, handled.messageId())).isOne();
    assertThat(rows(queue, parked.messageId()) + rows(errors, parked.messageId()))
        .as("the parked message is somewhere: back in its queue or in the error queue")
        .isOne();
  }

  @Test
  void aHandledMessageGivenBackAfterAnUnstartedBatchMateWasGivenBackLosesNeither()
      throws Exception {
    String queue = "claimed-" + UUID.randomUUID();
    List<ReceivedMessage> batch = receiveTwo(queue);
    ReceivedMessage handled = batch.get(0);
    ReceivedMessage unstarted = batch.get(1);

    handle(handled);
    unstarted.abandon(Duration.ZERO); // cancelled before it began
    handled.abandon(Duration.ZERO);

    assertThat(effects()).isZero();
    assertThat(rows(queue, handled.messageId())).isOne();
    assertThat(rows(queue, unstarted.messageId())).isOne();
  }

  @Test
  void aHandledMessageCompletedAfterABatchMateWasMovedCommitsBoth() throws Exception {
    String queue = "claimed-" + UUID.randomUUID();
    String errors = queue + "-error";
    List<ReceivedMessage> batch = receiveTwo(queue);
    ReceivedMessage handled = batch.get(0);
    ReceivedMessage parked = batch.get(1);

    handle(handled);
    parked.completeAndSend(errors, copyOf(parked));
    handled.complete();

    assertThat(effects()).isOne();
    assertThat(rows(queue, handled.messageId()) + rows(errors, handled.messageId())).isZero();
    assertThat(rows(errors, parked.messageId())).isOne();
    assertThat(rows(queue, parked.messageId())).isZero();
    storage.jdbi().useHandle(h -> h.execute("TRUNCATE claimed_effect"));
  }

  private static List<ReceivedMessage> receiveTwo(String queue) throws InterruptedException {
    transport.send(queue, List.of(message("first"), message("second")));
    List<ReceivedMessage> batch =
        transport.receive(queue, 2, Duration.ofSeconds(10), Duration.ZERO);
    assertThat(batch).hasSize(2);
    return batch;
  }

  // what the unit-of-work link and a handler do: an attempt in the shared transaction, a write
  private static void handle(ReceivedMessage message) {
    Map<Attributes.Key<?>, Object> slots = new java.util.HashMap<>();
    message.contributeAttributes(
        new Attributes() {
          @Override
          public <T> void put(Key<T> key, T value) {
            slots.put(key, value);
          }

          @Override
          public <T> java.util.Optional<T> get(Key<T> key) {
            return java.util.Optional.ofNullable(key.type().cast(slots.get(key)));
          }

          @Override
          public <T> T require(Key<T> key) {
            return get(key).orElseThrow();
          }

          @Override
          public <T> java.util.Optional<T> remove(Key<T> key) {
            return java.util.Optional.ofNullable(key.type().cast(slots.remove(key)));
          }
        });
    UnitOfWork unit = (UnitOfWork) slots.get(storage.runtime().claims());
    unit.beginAttempt();
    unit.handle().execute("INSERT INTO claimed_effect VALUES (?)", message.messageId());
  }

  private static OutgoingMessage copyOf(ReceivedMessage message) {
    return OutgoingMessage.of(message.messageId(), message.headers(), message.body());
  }

  private static OutgoingMessage message(String body) {
    String id = UUID.randomUUID().toString();
    return OutgoingMessage.of(
        id, Map.of("pump.message-id", id), body.getBytes(StandardCharsets.UTF_8));
  }

  private static long effects() {
    return storage
        .jdbi()
        .withHandle(
            h -> h.createQuery("SELECT count(*) FROM claimed_effect").mapTo(Long.class).one());
  }

  private static long rows(String queue, String messageId) {
    return storage
        .jdbi()
        .withHandle(h ->
            h.createQuery(
                    "SELECT count(*) FROM pump.queue_message WHERE queue = :q AND message_id = :m")
                .bind("q", queue)
                .bind("m", messageId)
                .mapTo(Long.class)
                .one());
  }
}
