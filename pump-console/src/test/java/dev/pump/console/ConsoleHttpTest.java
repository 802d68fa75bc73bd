package dev.pump.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TcpRelay;
import dev.pump.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/** The console over plain HTTP: pages, error pages, headers, cut fields, sessions and CSRF. */
@ExtendWith(PostgresExtension.class)
class ConsoleHttpTest {
  static final String TOKEN = "console-test-token-0123456789";

  static JdbcStorage storage;
  static PostgresTransport transport;
  static PumpConsoleServer server;
  static Http http;
  static String origin;

  @BeforeAll
  static void start(TestDatabase db) {
    storage = JdbcStorage.builder().dataSource(db.dataSource()).build();
    transport = PostgresTransport.builder().storage(storage).build();
    PumpConsole console =
        PumpConsole.builder()
            .operations(storage.operations())
            .errorQueues("error")
            .actionToken(TOKEN)
            .build();
    server = PumpConsoleServer.start(console, 0);
    http = new Http(server.uri());
    origin = "http://" + server.uri().getAuthority();
  }

  @AfterAll
  static void stop() {
    server.close();
    transport.close();
  }

  @BeforeEach
  void failures() {
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "TRUNCATE pump.outbox, pump.inbox, pump.queue_message, pump.discarded_message"));
    Failures.put(transport, "error", "m-1", Map.of(), "{\"order\":1}");
    Failures.put(transport, "error", "m-2", Map.of(), "{\"order\":2}");
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    HttpResponse<String> head =
        client.send(
            java.net.http.HttpRequest.newBuilder(server.uri().resolve("failed?queue=error"))
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("content-security-policy")).isPresent();
  }

  @Test
  void theServerListensOnLoopbackByDefault() {
    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(server.uri().toString()).startsWith("http://127.0.0.1:");
  }

  @Test
  void everyPageCarriesTheSecurityHeaders() {
    for (String path : List.of("/", "/failed", "/failed/message?id=m-1", "/nope", "/discarded")) {
      HttpResponse<String> page = http.get(path);
      assertThat(page.headers().firstValue("content-security-policy"))
          .as(path)
          .hasValueSatisfying(csp ->
              assertThat(csp)
                  .contains("default-src 'self'", "frame-ancestors 'none'", "script-src 'self'")
                  .doesNotContain("unsafe-inline"));
      assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
      assertThat(page.headers().firstValue("referrer-policy")).hasValue("same-origin");
      assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    }
  }

  @Test
  void theDashboardAndTheListShowTheFailedMessages() {
    HttpResponse<String> dashboard = http.get("/");
    HttpResponse<String> list = http.get("/failed?queue=error");

    assertThat(dashboard.statusCode()).isEqualTo(200);
    assertThat(dashboard.body()).contains("data-place=\"error\">2<");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("m-1", "m-2", "card declined", "retries-exhausted");
    assertThat(list.body()).doesNotContain("name=\"csrf\"");
  }

  @Test
  void badInputGetsA400PageSayingWhy() {
    assertThat(http.get("/failed?queue=nope"))
        .satisfies(r -> {
          assertThat(r.statusCode()).isEqualTo(400);
          assertThat(r.body())
              .contains("this console shows the error queues error, outbox; not nope");
        });
    assertThat(http.get("/failed?limit=0"))
        .satisfies(r -> {
          assertThat(r.statusCode()).isEqualTo(400);
          assertThat(r.body()).contains("limit must be between 1 and 1000, was 0");
        });
    assertThat(http.get("/failed?limit=ten").statusCode()).isEqualTo(400);
    assertThat(http.get("/failed?from=yesterday"))
        .satisfies(r -> {
          assertThat(r.statusCode()).isEqualTo(400);
          assertThat(r.body()).contains("from must be a time such as");
        });
    assertThat(http.get("/failed/message?queue=error").statusCode()).isEqualTo(400);
    assertThat(http.get("/trace?id=%01bad").statusCode()).isEqualTo(400);
  }

  @Test
  void whatIsNotThereGetsA404Page() {
    assertThat(http.get("/failed/message?queue=error&id=gone"))
        .satisfies(r -> {
          assertThat(r.statusCode()).isEqualTo(404);
          assertThat(r.body()).contains("no message gone in error");
        });
    assertThat(http.get("/trace?id=never-seen").statusCode()).isEqualTo(404);
    assertThat(http.get("/no/such/page").statusCode()).isEqualTo(404);
  }

  @Test
  void aHundredKilobyteHeaderIsCutWithAVisibleMarker() {
    String huge = "x".repeat(100_000);
    Failures.put(transport, "error", "m-huge", Map.of("x-huge", huge), "{}");

    HttpResponse<String> page = http.get("/failed/message?queue=error&id=m-huge");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("(99000 more characters)").doesNotContain(huge);
    assertThat(page.body().length()).isLessThan(40_000);
  }

  @Test
  void postsNeedASessionItsCsrfTokenAndTheConsolesOrigin() {
    List<String> retry = List.of("queue", "error", "id", "m-1");
    assertThat(http.post("/failed/retry", retry).statusCode()).isEqualTo(403);
    assertThat(http.post("/login", List.of("token", "wrong-token-wrong-token"), "Origin", origin))
        .satisfies(r -> assertThat(r.statusCode()).isEqualTo(403));

    HttpResponse<String> login = http.post("/login", List.of("token", TOKEN), "Origin", origin);
    assertThat(login.statusCode()).isEqualTo(303);
    String cookie = login.headers().firstValue("set-cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/").doesNotContain("Secure");
    String session = cookie.substring(0, cookie.indexOf(';'));
    String csrf = csrf(http.get("/failed/message?queue=error&id=m-1", "Cookie", session).body());

    assertThat(http.post("/failed/retry", retry, "Cookie", session).statusCode())
        .as("no CSRF token")
        .isEqualTo(403);
    assertThat(
            http.post(
                    "/failed/retry",
                    List.of("queue", "error", "id", "m-1", "csrf", "forged"),
                    "Cookie",
                    session)
                .statusCode())
        .as("a wrong CSRF token")
        .isEqualTo(403);
    List<String> good = List.of("queue", "error", "id", "m-1", "csrf", csrf);
    assertThat(
            http.post("/failed/retry", good, "Cookie", session, "Origin", "http://evil.example")
                .statusCode())
        .as("another origin")
        .isEqualTo(403);
    assertThat(
            http.post("/failed/retry", good, "Cookie", session, "Sec-Fetch-Site", "cross-site")
                .statusCode())
        .as("cross-site")
        .isEqualTo(403);
    assertThat(storage.operations().errorQueue("error").show("m-1")).isPresent();

    HttpResponse<String> done =
        http.post("/failed/retry", good, "Cookie", session, "Origin", origin);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("RETRIED");
    assertThat(storage.operations().errorQueue("error").show("m-1")).isEmpty();
  }

  @Test
  void aDiscardIsRecordedAsTheConsole() {
    HttpResponse<String> login = http.post("/login", List.of("token", TOKEN), "Origin", origin);
    String cookie = login.headers().firstValue("set-cookie").orElseThrow();
    String session = cookie.substring(0, cookie.indexOf(';'));
    String csrf = csrf(http.get("/failed?queue=error", "Cookie", session).body());

    HttpResponse<String> done =
        http.post(
            "/failed/discard",
            List.of("queue", "error", "id", "m-1", "id", "m-2", "csrf", csrf),
            "Cookie",
            session);

    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("DISCARDED");
    assertThat(storage.operations().discarded(10))
        .extracting(d -> d.messageId() + " by " + d.discardedBy())
        .containsExactlyInAnyOrder("m-1 by console", "m-2 by console");
    assertThat(http.get("/discarded").body()).contains("m-1", "m-2", "console");
  }

  @Test
  void aDatabaseThatCannotBeReachedGetsA503Page(TestDatabase db) throws Exception {
    URI target = URI.create(db.jdbcUrl().substring("jdbc:".length()));
    try (TcpRelay relay = new TcpRelay(target.getHost(), target.getPort())) {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setUrl(
          "jdbc:postgresql://127.0.0.1:" + relay.port() + target.getPath() + "?connectTimeout=5");
      dataSource.setUser(db.user());
      dataSource.setPassword(db.password());
      JdbcStorage unreachable = JdbcStorage.builder().dataSource(dataSource).migrate(false).build();
      PumpConsole console = PumpConsole.builder().operations(unreachable.operations()).build();
      try (PumpConsoleServer down = PumpConsoleServer.start(console, 0)) {
        Http toDown = new Http(down.uri());
        assertThat(toDown.get("/failed?queue=error").statusCode()).isEqualTo(200);

        relay.cut();

        HttpResponse<String> page = toDown.get("/");
        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.body()).contains("Database unavailable", "try again in a moment");
      }
    }
  }

  static String csrf(String page) {
    Matcher matcher = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
    assertThat(matcher.find()).as("a CSRF token in the page").isTrue();
    return matcher.group(1);
  }
}
