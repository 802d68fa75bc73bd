package dev.pump.spring.tests.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Transport;
import dev.pump.spring.tests.SpringDatabases;
import dev.pump.spring.tests.shop.ShopApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web console mounted in a Spring Boot application by {@code pump.console.enabled=true}: served
 * at {@code pump.console.path} on the application's own port, with the application's error queue.
 */
@SpringBootTest(
    classes = ShopApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.jpa.hibernate.ddl-auto=create",
      "pump.console.enabled=true",
      "pump.console.path=/ops/pump",
      "pump.console.token=spring-console-token-0123456789"
    })
class PumpConsoleInSpringBootTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Autowired Environment environment;
  @Autowired Transport transport;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    SpringDatabases.register(PumpConsoleInSpringBootTest.class, registry);
  }

  @Test
  void theDashboardAndTheFailedMessagesAreServedAtTheConsolesPath() throws Exception {
    transport.send(
        "error",
        List.of(
            OutgoingMessage.of(
                "spring-failed-1",
                Map.of(
                    Headers.FAILED_QUEUE, "shop",
                    Headers.FAILURE_REASON, "unrecoverable",
                    Headers.EXCEPTION_MESSAGE, "no such order"),
                "{}".getBytes(StandardCharsets.UTF_8))));

    HttpResponse<String> dashboard = get("/ops/pump/");
    HttpResponse<String> failed = get("/ops/pump/failed?queue=error");
    HttpResponse<String> forged =
        http.send(
            HttpRequest.newBuilder(uri("/ops/pump/failed/retry"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("queue=error&id=spring-failed-1"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(dashboard.statusCode()).isEqualTo(200);
    assertThat(dashboard.body()).contains("<h1>Dashboard</h1>", "href=\"/ops/pump/failed\"");
    assertThat(dashboard.headers().firstValue("content-security-policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'"));
    assertThat(failed.statusCode()).isEqualTo(200);
    assertThat(failed.body()).contains("spring-failed-1", "no such order", "Sign in");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(get("/ops/pump/failed?queue=nope").statusCode()).isEqualTo(400);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path);
  }
}
