package dev.pump.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code pump console}: serves the console until stopped, read-only without a token. */
@ExtendWith(PostgresExtension.class)
class ConsoleCommandTest {
  static TestDatabase db;
  static Seed seed;

  @BeforeAll
  static void schema(TestDatabase database) {
    db = database;
    seed = new Seed(db);
    seed.empty();
    seed.failed("error", "m-1", "billing", "card declined", "{\"orderId\":\"o-1\"}");
  }

  @Test
  void itServesTheConsoleOnLoopbackUntilStoppedReadOnlyWithoutAToken() throws Exception {
    try (Running console = Running.start(Map.of(), "console", "--port", "0")) {
      URI uri = console.uri();

      assertThat(uri.getHost()).isEqualTo("127.0.0.1");
      assertThat(console.out()).contains("read-only: set PUMP_CONSOLE_TOKEN");
      HttpResponse<String> failed = get(uri.resolve("failed?queue=error"));
      assertThat(failed.statusCode()).isEqualTo(200);
      assertThat(failed.body()).contains("m-1", "card declined", "read-only");
      HttpResponse<String> forged = post(uri.resolve("failed/retry"), "queue=error&id=m-1");
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(forged.body()).contains("this console is read-only");
      assertThat(console.stop()).isZero();
    }
  }

  @Test
  void theTokenComesFromTheVariableOrAFileAndATokenTooShortIsRefused(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "token-from-a-file-0123456789\n");
    try (Running console =
        Running.start(Map.of(), "console", "--port", "0", "--token-file", file.toString())) {
      assertThat(console.out()).contains("sign in with the action token");
      HttpResponse<String> login =
          post(console.uri().resolve("login"), "token=token-from-a-file-0123456789");
      assertThat(login.statusCode()).isEqualTo(303);
      console.stop();
    }
    try (Running console =
        Running.start(
            Map.of("PUMP_CONSOLE_TOKEN", "token-from-the-variable-0123"),
            "console",
            "--port",
            "0",
            "--base-path",
            "/pump")) {
      assertThat(console.uri().getPath()).isEqualTo("/pump/");
      assertThat(post(console.uri().resolve("login"), "token=token-from-the-variable-0123"))
          .satisfies(r -> assertThat(r.statusCode()).isEqualTo(303));
      console.stop();
    }
    Cli.Result shortToken = Cli.on(db).env("PUMP_CONSOLE_TOKEN", "short").run("console");
    assertThat(shortToken.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(shortToken.err()).contains("actionToken must be at least 16 characters, was 5");
    Cli.Result badBind = Cli.on(db).run("console", "--bind", "no.such.host.invalid");
    assertThat(badBind.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badBind.err()).contains("--bind: no such address no.such.host.invalid");
  }

  @Test
  void withRabbitMqItShowsTheBrokersErrorQueues() throws Exception {
    String uri = LocalRabbitMq.uri();
    String queue = "console-errors-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    try (dev.pump.rabbitmq.RabbitMqTransport rabbit =
        dev.pump.rabbitmq.RabbitMqTransport.builder().uri(uri).build()) {
      rabbit.createQueue(queue);
      rabbit.send(
          queue,
          List.of(
              dev.pump.core.spi.OutgoingMessage.of(
                  "r-1",
                  Map.of(
                      "pump.failure.queue", "billing",
                      "pump.failure.reason", "retries-exhausted",
                      "pump.failure.exception-message", "declined on RabbitMQ"),
                  "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      try (Running console =
          Running.start(
              Map.of("PUMP_RABBITMQ_URI", uri), "console", "--port", "0", "--error-queue", queue)) {
        HttpResponse<String> failed = get(console.uri().resolve("failed?queue=" + queue));

        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(200);
        assertThat(failed.body()).contains("r-1", "declined on RabbitMQ");
        console.stop();
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() ->
              !rabbit
                  .receive(queue, Duration.ofSeconds(1))
                  .map(m -> {
                    m.complete();
                    return m.messageId();
                  })
                  .orElse("")
                  .isEmpty());
    } finally {
      try (var connection = connectionTo(uri);
          var channel = connection.createChannel()) {
        channel.queueDelete(queue);
      }
    }
  }

  private static com.rabbitmq.client.Connection connectionTo(String uri) throws Exception {
    com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
    factory.setUri(uri);
    return factory.newConnection();
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(URI uri, String form) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** {@code pump console ...} running on a thread of its own, until {@link #stop()}. */
  private static final class Running implements AutoCloseable {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicInteger exitCode = new AtomicInteger(-1);
    private final Thread thread;

    private Running(Map<String, String> environment, String... args) {
      List<String> all = new java.util.ArrayList<>(List.of(args));
      all.addAll(
          List.of("--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password", db.password()));
      thread =
          Thread.ofPlatform()
              .start(() ->
                  exitCode.set(
                      PumpCli.run(
                          all.toArray(String[]::new),
                          new PrintWriter(out, true),
                          new PrintWriter(err, true),
                          environment,
                          new ByteArrayInputStream(new byte[0]))));
    }

    static Running start(Map<String, String> environment, String... args) {
      Running running = new Running(environment, args);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> running.out().contains("Pump console at") || !running.thread.isAlive());
      assertThat(running.thread.isAlive()).as(running.err.toString()).isTrue();
      return running;
    }

    String out() {
      return out.toString();
    }

    URI uri() {
      Matcher url = Pattern.compile("Pump console at (\\S+)").matcher(out());
      assertThat(url.find()).isTrue();
      return URI.create(url.group(1));
    }

    int stop() throws InterruptedException {
      thread.interrupt();
      thread.join(Duration.ofMinutes(1));
      return exitCode.get();
    }

    @Override
    public void close() {
      if (thread.isAlive()) {
        try {
          stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
