package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Attributes;
import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.core.UnrecoverableMessageException;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.jdbc.JdbcContext;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A message published without a message id (by a producer that is not Pump) cannot be recognised by
 * the inbox when it is delivered again, so Pump refuses it to the error queue, unhandled, with the
 * reason, under an id derived from its content that every delivery of it shares.
 */
@ExtendWith(PostgresExtension.class)
class RabbitMqMessageIdTest extends BrokerTestSupport {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The message the endpoint handles. */
  record Ping(String text) {}

  RabbitMqMessageIdTest() {
    super("pump-ids");
  }

  @Test
  void everyDeliveryOfAMessageWithoutAnIdHasTheSameIdAndIsRefused() throws Exception {
    String queue = admin.queueName("no-id");
    transport.createQueue(queue);
    publish(queue, null, "{\"text\":\"anonymous\"}");
    publish(queue, "", "{\"text\":\"blank id\"}");

    ReceivedMessage first = receive(queue);
    String id = first.messageId();
    first.abandon(Duration.ZERO);
    ReceivedMessage again = receive(queue);
    ReceivedMessage blank = receive(queue);
    if (again.messageId().equals(blank.messageId())) {
      throw new AssertionError("two different messages got one id: " + again.messageId());
    }
    if (!again.messageId().equals(id)) { // the blank one may have come first after the requeue
      ReceivedMessage swap = again;
      again = blank;
      blank = swap;
    }

    assertThat(again.messageId()).isEqualTo(id);
    assertThat(again.deliveryCount()).isEqualTo(2);
    assertThat(again.headers()).containsEntry(Headers.MESSAGE_ID, id);
    assertThat(blank.messageId()).isNotBlank().isNotEqualTo(id);
    for (ReceivedMessage refused : new ReceivedMessage[] {again, blank}) {
      assertThatThrownBy(() -> refused.contributeAttributes(new NoAttributes()))
          .isInstanceOf(UnrecoverableMessageException.class)
          .hasMessageContaining("has no message id")
          .hasMessageContaining(refused.messageId());
      refused.complete();
    }
  }

  @Test
  void anEndpointParksAMessageWithoutAnIdUnhandledWithTheReasonAndHandlesTheOthers(TestDatabase db)
      throws Exception {
    HikariDataSource pool =
        closeAfter(PumpDataSources.pooled(db.jdbcUrl(), db.user(), db.password(), 6));
    JdbcStorage storage = JdbcStorage.builder().dataSource(pool).build();
    storage.jdbi().useHandle(h -> h.execute("CREATE TABLE ping (text text NOT NULL)"));
    String queue = admin.queueName("pings");
    String error = admin.queueName("pings-error");
    endpoint =
        Endpoint.builder()
            .name("pings")
            .inputQueue(queue)
            .transport(transport)
            .storage(storage)
            .recoverability(noRetries(error))
            .handler(
                Ping.class,
                (ping, context) ->
                    JdbcContext.handle(context)
                        .execute("INSERT INTO ping (text) VALUES (?)", ping.text()))
            .build();
    endpoint.start();

    publish(queue, "ping-1", "{\"text\":\"before\"}");
    publish(queue, null, "{\"text\":\"anonymous\"}");
    publish(queue, "ping-2", "{\"text\":\"after\"}");

    GetResponse parked = await().atMost(WAIT).until(() -> take(error), r -> r != null);
    await()
        .atMost(WAIT)
        .until(() -> storage.jdbi().withHandle(h -> count(h, "SELECT count(*) FROM ping")) == 2);

    Map<String, Object> headers = parked.getProps().getHeaders();
    assertThat(new String(parked.getBody(), StandardCharsets.UTF_8)).contains("anonymous");
    assertThat(String.valueOf(headers.get(Headers.FAILURE_REASON)))
        .isEqualTo(Recoverability.REASON_UNRECOVERABLE);
    assertThat(String.valueOf(headers.get(Headers.EXCEPTION_MESSAGE)))
        .contains("has no message id")
        .contains("Set the message-id property");
    String parkedId = parked.getProps().getMessageId();
    assertThat(parkedId).isNotBlank();
    assertThat(strings(storage, "SELECT text FROM ping ORDER BY text"))
        .containsExactly("after", "before");
    assertThat(
            strings(
                storage,
                "SELECT message_id FROM " + storage.schema().table("inbox") + " ORDER BY 1"))
        .as("the refused message never reached the inbox")
        .containsExactly("ping-1", "ping-2");
    assertThat(take(error)).as("parked once").isNull();
  }

  private void publish(String queue, String messageId, String json) throws Exception {
    admin.publishJson(queue, messageId, Ping.class, json);
  }

  private GetResponse take(String queue) throws Exception {
    try (Channel channel = admin.channel()) {
      return channel.basicGet(queue, true);
    }
  }

  private ReceivedMessage receive(String queue) throws InterruptedException {
    Optional<ReceivedMessage> received = transport.receive(queue, WAIT);
    assertThat(received).as("a message from " + queue).isPresent();
    return received.get();
  }

  private static long count(org.jdbi.v3.core.Handle handle, String sql) {
    return handle.createQuery(sql).mapTo(Long.class).one();
  }

  private static List<String> strings(JdbcStorage storage, String sql) {
    return storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
  }

  private static final class NoAttributes implements Attributes {
    @Override
    public <T> void put(Attributes.Key<T> key, T value) {}

    @Override
    public <T> Optional<T> get(Attributes.Key<T> key) {
      return Optional.empty();
    }

    @Override
    public <T> T require(Attributes.Key<T> key) {
      throw new AssertionError("nothing to require");
    }

    @Override
    public <T> Optional<T> remove(Attributes.Key<T> key) {
      return Optional.empty();
    }
  }
}
