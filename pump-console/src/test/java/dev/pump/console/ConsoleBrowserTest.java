package dev.pump.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console in a real browser (headless Chromium): an operator signs in, retries a message that
 * really failed, and its handler handles it; hostile message fields stay text; without a token
 * nothing can be done, and a form on another site cannot act for a signed-in operator.
 */
@ExtendWith(PostgresExtension.class)
class ConsoleBrowserTest {
  static final String TOKEN = "browser-test-token-0123456789";
  static final String HOSTILE =
      "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">";

  static Shop shop;

  @BeforeAll
  static void failures(TestDatabase db) {
    shop = new Shop(db.dataSource());
    for (int i = 1; i <= 12; i++) {
      shop.charge("ok-" + i, "ok-" + i, Map.of());
    }
    for (int i = 1; i <= 3; i++) {
      shop.charge("bad-" + i, "bad-" + i, Map.of("customer", "c-" + i));
    }
    shop.charge("evil-1", HOSTILE, Map.of("x-note", HOSTILE));
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() ->
            shop.count("SELECT count(*) FROM pump.queue_message WHERE queue = 'error'") == 4
                && shop.handled.size() == 12);
  }

  @AfterAll
  static void stop() {
    shop.close();
  }

  @Test
  void anOperatorRetriesAFailedMessageInTheBrowserAndItsHandlerHandlesIt() {
    try (PumpConsoleServer server = PumpConsoleServer.start(console(TOKEN), 0);
        Browser browser = Browser.start()) {
      WebDriver page = browser.driver;
      String base = server.uri().toString();
      signIn(browser, base);

      page.get(base + "failed?queue=error");
      browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("failed")));
      assertThat(messageIds(page)).contains("bad-1", "bad-2", "bad-3", "evil-1");
      browser.screenshot("console-failed");
      page.findElement(By.linkText("bad-2")).click();
      browser.wait.until(ExpectedConditions.elementToBeClickable(By.id("retry")));
      assertThat(page.findElement(By.id("exception-message")).getText())
          .isEqualTo("the card service refused order bad-2");
      assertThat(page.findElement(By.id("headers")).getText()).contains("customer", "c-2");
      browser.screenshot("console-failed-detail");

      shop.cardServiceDown.set(false);
      page.findElement(By.id("retry")).click();
      browser.wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("outcomes"), "RETRIED"));
      await().atMost(Duration.ofMinutes(2)).until(() -> shop.handled.contains("bad-2"));
      assertThat(
              shop.count(
                  "SELECT count(*) FROM pump.inbox WHERE endpoint = 'billing'"
                      + " AND message_id = 'bad-2'"))
          .isEqualTo(1);

      page.findElement(By.id("back")).click();
      browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("failed")));
      assertThat(messageIds(page)).contains("bad-1", "bad-3").doesNotContain("bad-2");

      page.get(base + "trace?id=bad-2");
      browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("handled")));
      assertThat(page.findElement(By.id("handled")).getText()).contains("billing");
      assertThat(page.findElement(By.id("sent")).getText()).contains("shipping");
      browser.screenshot("console-trace");

      page.get(base);
      browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("queues")));
      assertThat(page.findElement(By.id("chart-summary")).getText())
          .contains("13 messages handled");
      assertThat(page.findElements(By.cssSelector("svg.chart polyline"))).hasSize(4);
      browser.screenshot("console-dashboard");
    }
  }

  @Test
  void aHostileBodyAndHeaderAreShownAsTextAndNeverRun() {
    try (PumpConsoleServer server = PumpConsoleServer.start(console(TOKEN), 0);
        Browser browser = Browser.start()) {
      WebDriver page = browser.driver;
      String base = server.uri().toString();

      page.get(base + "failed?queue=error");
      browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("failed")));
      assertShownAsText(page, page.findElement(By.id("failed")));

      page.findElement(By.linkText("evil-1")).click();
      browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("body")));
      assertThat(page.findElement(By.id("body")).getText())
          .as("the JSON body, its quotes escaped")
          .contains(HOSTILE.replace("\"", "\\\""));
      assertThat(page.findElement(By.id("headers")).getText()).contains("x-note", HOSTILE);
      assertShownAsText(page, page.findElement(By.id("exception-message")));
    }
  }

  @Test
  void withoutATokenThereAreNoActionsAndAForgedPostIsRefused() {
    try (PumpConsoleServer server = PumpConsoleServer.start(console(null), 0);
        Browser browser = Browser.start()) {
      WebDriver page = browser.driver;
      String base = server.uri().toString();

      page.get(base + "failed/message?queue=error&id=bad-1");
      browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("fields")));
      assertThat(page.findElement(By.tagName("header")).getText()).contains("read-only");
      assertThat(page.findElements(By.id("retry"))).isEmpty();
      assertThat(page.findElements(By.cssSelector("input[name=csrf]"))).isEmpty();
      page.get(base + "failed?queue=error");
      browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("failed")));
      assertThat(page.findElements(By.cssSelector("input[name=id], button[formaction]"))).isEmpty();

      HttpResponse<String> forged =
          new Http(server.uri())
              .post("/failed/retry", List.of("queue", "error", "id", "bad-1", "csrf", "x"));
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(forged.body()).contains("this console is read-only");
      assertThat(shop.storage.operations().errorQueue("error").show("bad-1")).isPresent();
    }
  }

  @Test
  void aFormOnAnotherSiteCannotActForASignedInOperator() throws IOException {
    HttpServer attacker =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try (PumpConsoleServer server = PumpConsoleServer.start(console(TOKEN), 0);
        Browser browser = Browser.start()) {
      String base = server.uri().toString();
      String form =
          "<!DOCTYPE html><form method=post action=\""
              + base
              + "failed/retry\"><input type=hidden name=queue value=error>"
              + "<input type=hidden name=id value=bad-1><input type=hidden name=csrf value=guess>"
              + "<button id=prize>Claim your prize</button></form>";
      attacker.createContext(
          "/",
          exchange -> {
            byte[] body = form.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      attacker.start();
      signIn(browser, base);

      browser.driver.get("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
      browser.wait.until(ExpectedConditions.elementToBeClickable(By.id("prize"))).click();
      browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("problem")));

      assertThat(browser.driver.findElement(By.tagName("h1")).getText()).contains("403");
      assertThat(browser.driver.findElement(By.id("problem")).getText()).contains("refused");
      assertThat(shop.storage.operations().errorQueue("error").show("bad-1")).isPresent();
    } finally {
      attacker.stop(0);
    }
  }

  private static PumpConsole console(String token) {
    return PumpConsole.builder()
        .operations(shop.storage.operations())
        .errorQueues("error")
        .actionToken(token)
        .build();
  }

  private static void signIn(Browser browser, String base) {
    browser.driver.get(base + "login");
    browser.wait.until(ExpectedConditions.elementToBeClickable(By.id("token"))).sendKeys(TOKEN);
    browser.driver.findElement(By.id("sign-in")).click();
    browser.wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.tagName("header"), "Sign out"));
  }

  private static List<String> messageIds(WebDriver page) {
    return page.findElements(By.cssSelector("#failed a.message-link")).stream()
        .map(WebElement::getText)
        .toList();
  }

  private static void assertShownAsText(WebDriver page, WebElement where) {
    assertThat(where.getText()).contains(HOSTILE);
    Object pwned =
        ((org.openqa.selenium.JavascriptExecutor) page)
            .executeScript("return typeof window.__pwned");
    assertThat(pwned).isEqualTo("undefined");
    assertThat(page.findElements(By.tagName("script")))
        .extracting(script -> script.getAttribute("src"))
        .allSatisfy(src -> assertThat(src).endsWith("/static/console.js"));
    assertThat(page.findElements(By.tagName("img"))).isEmpty();
  }
}
