package dev.pump.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pump.console.internal.FormDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a {@link PumpConsole} on the JDK's built-in HTTP server ({@code jdk.httpserver}), one
 * virtual thread per request, under the console's {@link PumpConsole#basePath()}. Bound to the
 * loopback address unless told otherwise. What {@code pump console} runs. Thread-safe; stop it with
 * {@link #close()}.
 */
public final class PumpConsoleServer implements AutoCloseable {
  /** The port {@code pump console} uses when none is given: {@value}. */
  public static final int DEFAULT_PORT = 8484;

  /** The largest request body read (a form of ids): 1 MiB. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private final HttpServer server;
  private final ExecutorService executor;
  private final String basePath;

  private PumpConsoleServer(HttpServer server, ExecutorService executor, String basePath) {
    this.server = server;
    this.executor = executor;
    this.basePath = basePath;
  }

  /**
   * Starts serving {@code console} on the loopback address at {@code port} (0: any free port).
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static PumpConsoleServer start(PumpConsole console, int port) {
    return start(console, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /**
   * Starts serving {@code console} at {@code address}. An address other than loopback serves other
   * machines too, and only answers them if the console {@link PumpConsole#allowsRemote() allows
   * remote} requests.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static PumpConsoleServer start(PumpConsole console, InetSocketAddress address) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 50);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    String base = console.basePath();
    server.createContext(base.isEmpty() ? "/" : base, exchange -> serve(console, base, exchange));
    server.setExecutor(executor);
    server.start();
    return new PumpConsoleServer(server, executor, base);
  }

  /** The address it listens on, with the port chosen when 0 was asked for. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The console's address for a browser on this machine: {@code http://127.0.0.1:8484/pump/}. */
  public URI uri() {
    InetSocketAddress address = address();
    String host = address.getAddress().getHostAddress();
    if (address.getAddress().isAnyLocalAddress()) {
      host = InetAddress.getLoopbackAddress().getHostAddress();
    }
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port() + basePath + "/");
  }

  /** Stops listening, lets requests in progress finish for up to a second, and returns. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdown();
    try {
      executor.awaitTermination(
          Duration.ofSeconds(5).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void serve(PumpConsole console, String base, HttpExchange exchange)
      throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      String path = uri.getPath().substring(base.length());
      String method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        send(
            exchange,
            413,
            Map.of("content-type", "text/plain"),
            "request too large".getBytes(StandardCharsets.UTF_8));
        return;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      Map<String, List<String>> form =
          method.equals("POST")
                  && contentType != null
                  && contentType
                      .toLowerCase(java.util.Locale.ROOT)
                      .startsWith("application/x-www-form-urlencoded")
              ? FormDecoder.decode(new String(body, StandardCharsets.UTF_8))
              : Map.of();
      PumpConsole.Request request =
          new PumpConsole.Request(
              method,
              base,
              path,
              FormDecoder.decode(uri.getRawQuery()),
              form,
              headers,
              exchange.getRemoteAddress().getAddress(),
              false,
              null);
      PumpConsole.Response response = console.handle(request);
      send(
          exchange,
          response.status(),
          response.headers(),
          method.equals("HEAD") ? new byte[0] : response.body());
    }
  }

  private static void send(
      HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
      throws IOException {
    headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
