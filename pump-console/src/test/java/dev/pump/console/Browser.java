package dev.pump.console;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven by chromedriver, both from Debian's packages ({@code chromium}, {@code
 * chromium-driver}) or where {@code PUMP_CHROMIUM} and {@code PUMP_CHROMEDRIVER} say. When one is
 * missing the test is skipped, saying which and how to install it; with {@code
 * PUMP_REQUIRE_BROWSER=true} (as CI sets) it fails instead.
 */
final class Browser implements AutoCloseable {
  static final String INSTALL = "apt-get install -y chromium chromium-driver";

  final ChromeDriver driver;
  final WebDriverWait wait;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    this.profile = profile;
  }

  /** Starts a browser, or skips (fails, when required) the test saying what is missing. */
  static Browser start() {
    Path chromium = Path.of(env("PUMP_CHROMIUM", "/usr/bin/chromium"));
    Path chromedriver = Path.of(env("PUMP_CHROMEDRIVER", "/usr/bin/chromedriver"));
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(chromium)) {
      missing.add("Chromium (" + chromium + ", or set PUMP_CHROMIUM)");
    }
    if (!Files.isExecutable(chromedriver)) {
      missing.add("chromedriver (" + chromedriver + ", or set PUMP_CHROMEDRIVER)");
    }
    if (!missing.isEmpty()) {
      String message =
          "the browser tests need "
              + String.join(" and ", missing)
              + "; install Debian's packages: "
              + INSTALL;
      if ("true".equals(System.getenv("PUMP_REQUIRE_BROWSER"))) {
        fail(message + " (PUMP_REQUIRE_BROWSER=true)");
      }
      Assumptions.abort(message);
    }
    try {
      Path profile = Files.createTempDirectory("pump-console-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage",
          "--window-size=1280,900",
          "--user-data-dir=" + profile);
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(chromedriver.toFile())
              .usingAnyFreePort()
              .withTimeout(Duration.ofSeconds(60))
              .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
      return new Browser(driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Saves what the window shows as {@code name}.png in {@code target/console-screenshots/}, and in
   * {@code docs/images/} too when {@code pump.console.updateScreenshots=true}.
   */
  void screenshot(String name) {
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    List<String> directories = new ArrayList<>();
    directories.add(System.getProperty("pump.console.screenshots", "target/console-screenshots"));
    if (Boolean.getBoolean("pump.console.updateScreenshots")) {
      directories.add(System.getProperty("pump.console.docsImages", "../docs/images"));
    }
    try {
      for (String directory : directories) {
        Path dir = Files.createDirectories(Path.of(directory));
        Files.write(dir.resolve(name + ".png"), png);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary profile left behind is harmless
      }
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
