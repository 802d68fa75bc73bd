package dev.pump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.rabbitmq.RabbitMqTransport;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code pump failed --rabbitmq}: a RabbitMQ error queue listed, shown, retried and discarded from
 * the terminal, with nothing lost. Runs against {@code PUMP_TEST_RABBITMQ_URI}, else a broker on
 * 127.0.0.1:5672; without one it is skipped, or fails when {@code PUMP_REQUIRE_RABBITMQ=true}.
 */
@ExtendWith(PostgresExtension.class)
class FailedOnRabbitMqTest {
  private TestDatabase db;
  private String uri;
  private RabbitMqTransport transport;
  private final List<String> queues = new ArrayList<>();
  private String errors;
  private String billing;

  @BeforeEach
  void broker(TestDatabase database) throws Exception {
    db = database;
    new Seed(db).empty();
    uri = LocalRabbitMq.uri();
    transport = RabbitMqTransport.builder().uri(uri).build();
    String run = UUID.randomUUID().toString().substring(0, 8);
    errors = queue("cli-errors-" + run);
    billing = queue("cli-billing-" + run);
    for (int i = 0; i < 3; i++) {
      transport.send(errors, List.of(failed("m-" + i, billing, "card declined " + i)));
    }
  }

  @AfterEach
  void deleteQueues() throws Exception {
    if (transport == null) {
      return;
    }
    transport.close();
    try (Connection connection = factory().newConnection();
        Channel channel = connection.createChannel()) {
      for (String queue : queues) {
        channel.queueDelete(queue);
      }
    }
  }

  @Test
  void failedCommandsWorkOnARabbitMqErrorQueueAndLoseNothing() throws Exception {
    Cli cli = Cli.on(db).env("PUMP_RABBITMQ_URI", uri);

    Cli.Result list = cli.run("failed", "list", "--queue", errors);
    Cli.Result show = cli.run("failed", "show", "m-1", "--queue", errors);
    Cli.Result retry = cli.run("failed", "retry", "m-0", "absent", "--queue", errors, "--json");
    Cli.Result discard =
        cli.run("failed", "discard", "m-2", "--queue", errors, "--rabbitmq", uri, "--by", "ops");
    Cli.Result after = cli.run("failed", "list", "--queue", errors, "--json");

    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out()).contains("m-0", "m-1", "m-2", "card declined 2");
    assertThat(show.out()).contains("failed in    " + billing, "at shop.Billing", "\"m-1\"");
    assertThat(retry.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(retry.json().get("retried").get(0).asString()).isEqualTo("m-0");
    assertThat(retry.json().get("notFound").get(0).asString()).isEqualTo("absent");
    assertThat(discard.exitCode()).as(discard.toString()).isZero();
    assertThat(discard.out()).contains("Discarded by ops: m-2");
    assertThat(after.json().get("messages").findValuesAsString("messageId")).containsExactly("m-1");
    assertThat(
            new Seed(db)
                .count(
                    "SELECT count(*) FROM pump.discarded_message"
                        + " WHERE message_id = 'm-2' AND discarded_by = 'ops'"))
        .isEqualTo(1);
    try (Connection connection = factory().newConnection();
        Channel channel = connection.createChannel()) {
      var got = channel.basicGet(billing, true);
      assertThat(got).isNotNull();
      assertThat(got.getProps().getMessageId()).isEqualTo("m-0");
      assertThat(got.getProps().getHeaders()).doesNotContainKey(Headers.FAILED_QUEUE);
    }
  }

  @Test
  void aBrokerThatCannotBeReachedOrAQueueThatIsNotThereIsExitCodeThree() {
    Cli.Result down =
        Cli.on(db)
            .run(
                "failed", "list", "--rabbitmq", "amqp://ops:s3cret@127.0.0.1:1", "--queue", errors);
    Cli.Result missing =
        Cli.on(db).run("failed", "list", "--rabbitmq", uri, "--queue", "no-such-queue-here");

    assertThat(down.exitCode()).as(down.toString()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(down.err())
        .contains("cannot read error queue " + errors + " at RabbitMQ amqp://ops:***@127.0.0.1:1")
        .doesNotContain("s3cret");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(missing.err()).contains("no-such-queue-here");
  }

  private String queue(String name) {
    queues.add(name);
    transport.createQueue(name);
    return name;
  }

  private static OutgoingMessage failed(String id, String failedIn, String why) {
    String body = "{\"id\":\"" + id + "\"}";
    return OutgoingMessage.of(
        id,
        Map.of(
            Headers.FAILED_QUEUE,
            failedIn,
            Headers.FAILURE_REASON,
            "retries-exhausted",
            Headers.EXCEPTION_TYPE,
            "java.lang.IllegalStateException",
            Headers.EXCEPTION_MESSAGE,
            why,
            Headers.STACK_TRACE,
            "java.lang.IllegalStateException: " + why + "\n\tat shop.Billing"),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private ConnectionFactory factory() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    return factory;
  }
}
