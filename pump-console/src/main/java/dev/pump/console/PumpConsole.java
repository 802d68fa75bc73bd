package dev.pump.console;

import dev.pump.console.internal.ConsoleHandler;
import dev.pump.console.internal.Settings;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.PumpOperations;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Pump's web console, independent of any web server: it takes a {@link Request} and returns a
 * {@link Response}. {@link PumpConsoleServer} serves it on the JDK's HTTP server ({@code pump
 * console}); {@link PumpConsoleServlet} mounts it in a servlet container (Spring Boot).
 *
 * <p>Pages: a dashboard (the outbox backlog per destination, queue depths, failed and parked
 * counts, throughput and relay lag over the last hour), the failed messages of each error queue and
 * the parked outbox rows (pseudo queue {@value PumpOperations#PARKED}) with filters and paging, one
 * failed message whole, the discards, and a message's trace.
 *
 * <p>Security: read-only unless an action token is configured. With one, an operator signs in with
 * the token and gets a session cookie; every action is a POST carrying the session's CSRF token,
 * and POSTs from another origin are refused. Requests from non-loopback addresses are refused
 * unless {@link Builder#allowRemote(boolean)}. Every message field is escaped by the templates and
 * cut to a bounded length. Thread-safe.
 *
 * <pre>{@code
 * PumpConsole console = PumpConsole.builder()
 *     .operations(storage.operations())
 *     .errorQueues("error")
 *     .actionToken(System.getenv("PUMP_CONSOLE_TOKEN"))
 *     .build();
 * try (PumpConsoleServer server = PumpConsoleServer.start(console, 8484)) { ... }
 * }</pre>
 */
public final class PumpConsole {
  /** The error queue shown when none is named: {@value}. */
  public static final String DEFAULT_ERROR_QUEUE = "error";

  /** How long a signed-in session lasts without a request: 30 minutes. */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(30);

  /** The shortest action token accepted: {@value} characters. */
  public static final int MIN_TOKEN_LENGTH = 16;

  private final ConsoleHandler handler;
  private final Settings settings;

  private PumpConsole(Settings settings) {
    this.settings = settings;
    this.handler = new ConsoleHandler(settings);
  }

  /** A builder; {@link Builder#operations} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Answers one request. Never throws for bad input or a database that is down: those are 4xx and
   * 503 pages.
   */
  public Response handle(Request request) {
    return handler.handle(Objects.requireNonNull(request, "request"));
  }

  /** Whether no action token is configured, so nothing can be retried or discarded here. */
  public boolean readOnly() {
    return settings.token() == null;
  }

  /** The path the console is served under by {@link PumpConsoleServer}, such as "" or "/pump". */
  public String basePath() {
    return settings.basePath();
  }

  /** Whether requests from non-loopback addresses are answered. */
  public boolean allowsRemote() {
    return settings.allowRemote();
  }

  /**
   * One HTTP request, as an adapter read it.
   *
   * @param method the method, upper case
   * @param basePath where the console is mounted, such as "" or "/pump" (links start with it)
   * @param path the path below {@code basePath}, starting with "/"
   * @param query the decoded query parameters
   * @param form the decoded form parameters of a POST ({@code application/x-www-form-urlencoded})
   * @param headers the headers, names in lower case, the first value of each
   * @param remoteAddress the client's address
   * @param secure whether it came over HTTPS
   * @param principal the authenticated user's name in the host application, or null
   */
  public record Request(
      String method,
      String basePath,
      String path,
      Map<String, List<String>> query,
      Map<String, List<String>> form,
      Map<String, String> headers,
      InetAddress remoteAddress,
      boolean secure,
      String principal) {
    /** Checks and copies. */
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(remoteAddress, "remoteAddress");
      basePath = basePath == null ? "" : basePath;
      path = path == null || path.isEmpty() ? "/" : path;
      query = Map.copyOf(query);
      form = Map.copyOf(form);
      Map<String, String> lower = new LinkedHashMap<>();
      headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
      headers = Map.copyOf(lower);
    }

    /** The first value of query parameter {@code name}, or null. */
    public String queryParameter(String name) {
      return first(query, name);
    }

    /** The first value of form parameter {@code name}, or null. */
    public String formParameter(String name) {
      return first(form, name);
    }

    /** Header {@code name} (any case), or null. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    private static String first(Map<String, List<String>> parameters, String name) {
      List<String> values = parameters.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  /**
   * The answer to a {@link Request}.
   *
   * @param status the HTTP status
   * @param headers the headers to send; {@code set-cookie} may hold several, one per line
   * @param body the body
   */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    /** Copies. */
    public Response {
      headers = Map.copyOf(headers);
      body = body.clone();
    }

    /** The body, a copy. */
    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  /** Builds a {@link PumpConsole}; not thread-safe. */
  public static final class Builder {
    private PumpOperations operations;
    private final Map<String, Function<PumpOperations, ErrorQueue>> errorQueues =
        new LinkedHashMap<>();
    private String token;
    private String basePath = "";
    private Clock clock = Clock.systemUTC();
    private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
    private boolean allowRemote;
    private final java.util.Set<String> browsed = new java.util.HashSet<>();

    private Builder() {}

    /** The operations API the console reads and acts through. Required. */
    public Builder operations(PumpOperations pumpOperations) {
      this.operations = pumpOperations;
      return this;
    }

    /**
     * PostgreSQL error queues to show, in this order. Default: {@value #DEFAULT_ERROR_QUEUE} alone,
     * if none is named. The parked outbox rows are always shown, as {@value PumpOperations#PARKED}.
     */
    public Builder errorQueues(String... names) {
      for (String name : names) {
        browsed.remove(name);
        errorQueues.put(name, ops -> ops.errorQueue(name));
      }
      return this;
    }

    /** An error queue of {@code transport}, such as RabbitMQ's, read without losing a message. */
    public Builder errorQueue(Transport transport, String name) {
      Objects.requireNonNull(transport, "transport");
      browsed.add(name);
      errorQueues.put(name, ops -> ops.errorQueue(transport, name));
      return this;
    }

    /**
     * The token that allows retrying and discarding, at least {@value #MIN_TOKEN_LENGTH}
     * characters. Default: none, and the console is read-only.
     */
    public Builder actionToken(String actionToken) {
      this.token = actionToken == null || actionToken.isEmpty() ? null : actionToken;
      return this;
    }

    /**
     * The path {@link PumpConsoleServer} serves the console under, such as "/pump". Default "" (the
     * root). A servlet container's mapping decides it there instead.
     */
    public Builder basePath(String path) {
      this.basePath = path;
      return this;
    }

    /** The clock for ages, sessions and the chart's hour. Default: the system clock in UTC. */
    public Builder clock(Clock consoleClock) {
      this.clock = consoleClock;
      return this;
    }

    /** How long a session lasts without a request. Default 30 minutes; 1 minute to 24 hours. */
    public Builder sessionTimeout(Duration timeout) {
      this.sessionTimeout = timeout;
      return this;
    }

    /**
     * Whether requests from addresses other than loopback are answered. Default false: they get
     * 403. Allow them only behind TLS and with an action token, or read-only.
     */
    public Builder allowRemote(boolean allow) {
      this.allowRemote = allow;
      return this;
    }

    /**
     * Checks every setting at once.
     *
     * @throws IllegalArgumentException naming each bad setting
     */
    public PumpConsole build() {
      List<String> problems = new ArrayList<>();
      if (operations == null) {
        problems.add("operations is required");
      }
      if (token != null && token.length() < MIN_TOKEN_LENGTH) {
        problems.add(
            "actionToken must be at least "
                + MIN_TOKEN_LENGTH
                + " characters, was "
                + token.length());
      }
      if (basePath == null || !(basePath.isEmpty() || basePath.matches("(/[A-Za-z0-9._~-]+)+"))) {
        problems.add("basePath must be empty or like /pump (no trailing slash), was " + basePath);
      }
      if (clock == null) {
        problems.add("clock is required");
      }
      if (sessionTimeout == null
          || sessionTimeout.compareTo(Duration.ofMinutes(1)) < 0
          || sessionTimeout.compareTo(Duration.ofHours(24)) > 0) {
        problems.add("sessionTimeout must be between 1 minute and 24 hours, was " + sessionTimeout);
      }
      Map<String, Function<PumpOperations, ErrorQueue>> queues = new LinkedHashMap<>(errorQueues);
      if (queues.isEmpty()) {
        queues.put(DEFAULT_ERROR_QUEUE, ops -> ops.errorQueue(DEFAULT_ERROR_QUEUE));
      }
      queues.remove(PumpOperations.PARKED);
      if (operations != null) {
        for (var queue : queues.entrySet()) {
          try {
            queue.getValue().apply(operations);
          } catch (RuntimeException e) {
            problems.add("errorQueues: " + e.getMessage());
          }
        }
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("console settings: " + String.join("; ", problems));
      }
      queues.put(PumpOperations.PARKED, PumpOperations::parkedRows);
      return new PumpConsole(
          new Settings(
              operations, queues, token, basePath, clock, sessionTimeout, allowRemote, browsed));
    }
  }
}
