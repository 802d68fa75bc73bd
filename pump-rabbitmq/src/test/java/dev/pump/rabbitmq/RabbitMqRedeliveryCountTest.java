package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.jdbc.JdbcContext;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RabbitMQ counts a delivery for every message it pushed to a process that dies, whether the pump
 * started it or it was still waiting in the prefetch buffer. With a storage, the pump counts a
 * redelivered message's deliveries itself when it starts it, so a message that kills its process
 * every time is parked after {@code maxDeliveries} and the messages prefetched beside it, in every
 * one of those lives, are not charged and are handled.
 *
 * <p>A "process life" here is a transport and an endpoint: the killer's handler blocks until the
 * life ends, when the endpoint stops and the transport closes, and the broker takes back every
 * delivery it had not been acknowledged, as it does when a process dies.
 */
@ExtendWith(PostgresExtension.class)
class RabbitMqRedeliveryCountTest {
  private static final int MAX_DELIVERIES = 3;
  private static final int INNOCENTS = 4;
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** The message the endpoint handles. */
  record Ping(String text) {}

  private BrokerAdmin admin;
  private HikariDataSource pool;
  private final List<AutoCloseable> life = new ArrayList<>();

  @BeforeEach
  void connect() throws Exception {
    admin = new BrokerAdmin();
  }

  @AfterEach
  void closeEverything() throws Exception {
    endLife();
    if (pool != null) {
      pool.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void aMessageThatKillsItsProcessIsParkedAloneAndTheMessagesPrefetchedBesideItAreHandled(
      TestDatabase db) throws Exception {
    pool = PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 4);
    JdbcStorage storage = JdbcStorage.builder().dataSource(pool).build();
    storage.jdbi().useHandle(h -> h.execute("CREATE TABLE ping (text text NOT NULL)"));
    String queue = admin.queueName("killer");
    String error = admin.queueName("killer-error");
    try (RabbitMqTransport setup = RabbitMqTransport.builder().uri(RabbitMqBroker.uri()).build()) {
      setup.createQueue(queue);
    }
    publish(queue, "killer", "kill");
    for (int i = 1; i <= INNOCENTS; i++) {
      publish(queue, "innocent-" + i, "innocent " + i);
    }

    int lives = 0;
    while (true) {
      lives++;
      CountDownLatch killerStarted = new CountDownLatch(1);
      startLife(storage, queue, error, killerStarted);
      AtomicReference<GetResponse> parked = new AtomicReference<>();
      await()
          .atMost(WAIT)
          .until(() -> {
            if (parked.get() == null) {
              parked.set(take(error));
            }
            return killerStarted.getCount() == 0 || parked.get() != null;
          });
      if (parked.get() != null) {
        assertThat(parked.get().getProps().getMessageId()).isEqualTo("killer");
        assertThat(String.valueOf(parked.get().getProps().getHeaders().get(Headers.FAILURE_REASON)))
            .isEqualTo(Recoverability.REASON_TOO_MANY_DELIVERIES);
        break;
      }
      endLife(); // the killer took the process down, and everything it held
      assertThat(lives).as("lives before the killer is parked").isLessThanOrEqualTo(MAX_DELIVERIES);
    }

    List<String> parkedBeside = new ArrayList<>();
    await()
        .atMost(WAIT)
        .until(() -> {
          GetResponse next = take(error);
          if (next != null) {
            parkedBeside.add(
                next.getProps().getMessageId()
                    + " ("
                    + next.getProps().getHeaders().get(Headers.FAILURE_REASON)
                    + ")");
          }
          return count(storage, "SELECT count(*) FROM ping") + parkedBeside.size() == INNOCENTS;
        });
    assertThat(parkedBeside).as("messages parked beside the killer").isEmpty();
    assertThat(count(storage, "SELECT count(*) FROM ping")).isEqualTo(INNOCENTS);
    assertThat(lives).isEqualTo(MAX_DELIVERIES + 1);
    assertThat(take(error)).as("only the killer is parked").isNull();
    await()
        .atMost(WAIT)
        .untilAsserted(() ->
            assertThat(count(storage, "SELECT count(*) FROM pump.redelivery"))
                .as("counts are forgotten once their messages are settled")
                .isZero());
  }

  private void startLife(
      JdbcStorage storage, String queue, String error, CountDownLatch killerStarted) {
    RabbitMqTransport transport =
        RabbitMqTransport.builder()
            .uri(RabbitMqBroker.uri())
            .connectionName("pump-killer-test")
            .prefetch(INNOCENTS + 1) // the whole queue waits in this process's buffer
            .build();
    Endpoint endpoint =
        Endpoint.builder()
            .name("pings")
            .inputQueue(queue)
            .transport(transport)
            .storage(storage)
            .concurrency(1)
            .stopGrace(Duration.ofMillis(100))
            .recoverability(
                Recoverability.builder()
                    .immediateRetries(0)
                    .delayedRetries(0)
                    .maxDeliveries(MAX_DELIVERIES)
                    .errorQueue(error)
                    .build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  if (ping.text().equals("kill")) {
                    killerStarted.countDown();
                    new CountDownLatch(1).await(); // the process is gone: nothing of it runs on
                  }
                  JdbcContext.handle(context)
                      .execute("INSERT INTO ping (text) VALUES (?)", ping.text());
                })
            .build();
    life.add(() -> endpoint.stop(Duration.ofMillis(100)));
    life.add(transport);
    endpoint.start();
  }

  // in reverse: the transport closes first, so the broker takes back every delivery of the life
  // at once, as when a process dies; then the endpoint stops, cancelling the blocked handler
  private void endLife() throws Exception {
    for (int i = life.size() - 1; i >= 0; i--) {
      life.get(i).close();
    }
    life.clear();
  }

  private void publish(String queue, String messageId, String text) throws Exception {
    admin.publishJson(queue, messageId, Ping.class, "{\"text\":\"" + text + "\"}");
  }

  private static int count(JdbcStorage storage, String sql) {
    return storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
  }

  private GetResponse take(String queue) throws Exception {
    try (Channel channel = admin.channel()) {
      return channel.basicGet(queue, true);
    } catch (IOException e) {
      return null; // not declared yet: the endpoint declares it when it starts
    }
  }
}
