package dev.pump.console.internal;

import dev.pump.console.PumpConsole.Request;
import dev.pump.console.PumpConsole.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One console's request handling: who may ask (loopback unless allowed), which session asks, the
 * checks every POST passes (a token configured, same origin, a live session, its CSRF token), the
 * page or action, and the error pages. Thread-safe.
 */
public final class ConsoleHandler {
  /** The session cookie's name: {@value}. */
  public static final String COOKIE = "pump_console_session";

  /** Every page's Content-Security-Policy: nothing inline, nothing from elsewhere. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private static final Logger LOG = LoggerFactory.getLogger("dev.pump.console");

  private final Settings settings;
  private final Sessions sessions;
  private final SignInThrottle throttle;
  private final Templates templates = new Templates();
  private final Pages pages;
  private final Actions actions;
  private final Map<String, byte[]> assets = new LinkedHashMap<>();

  /** A handler for {@code settings}. */
  public ConsoleHandler(Settings settings) {
    this.settings = settings;
    this.sessions = new Sessions(settings.clock(), settings.sessionTimeout());
    this.throttle = new SignInThrottle(settings.clock());
    this.pages = new Pages(settings);
    this.actions = new Actions(settings);
    assets.put("/static/console.css", asset("static/console.css"));
    assets.put("/static/console.js", asset("static/console.js"));
  }

  /** Answers {@code request}; never throws. */
  public Response handle(Request request) {
    Sessions.Session session = null;
    Views.Frame frame = frame(request, null, "");
    try {
      if (!settings.allowRemote() && !request.remoteAddress().isLoopbackAddress()) {
        throw ConsoleException.forbidden(
            "this console answers only on the loopback interface (allow remote access"
                + " explicitly, behind TLS)");
      }
      byte[] asset = assets.get(request.path());
      boolean read = request.method().equals("GET") || request.method().equals("HEAD");
      if (asset != null && read) {
        return Replies.asset(request.path(), asset);
      }
      session = settings.token() == null ? null : sessions.find(cookie(request));
      frame = frame(request, session, "");
      return switch (request.method()) {
        case "GET", "HEAD" -> get(request, session);
        case "POST" -> post(request, session);
        default -> throw new ConsoleException(405, "Method not allowed", "use GET, HEAD or POST");
      };
    } catch (ConsoleException e) {
      return problem(frame, e.status(), e.title(), e.getMessage());
    } catch (RuntimeException e) {
      return failure(frame, e);
    }
  }

  private Response get(Request request, Sessions.Session session) {
    String path = request.path();
    return switch (path) {
      case "/" -> page(request, session, "dashboard", "Dashboard", "dashboard.jte", null);
      case "/failed" -> page(request, session, "failed", "Failed messages", "failed.jte", null);
      case "/failed/message" ->
          page(request, session, "failed", "Failed message", "message.jte", null);
      case "/trace" -> page(request, session, "trace", "Trace", "trace.jte", null);
      case "/discarded" -> page(request, session, "discarded", "Discarded", "discarded.jte", null);
      case "/login" ->
          page(request, session, "login", "Sign in", "login.jte", new Views.Login(null));
      default ->
          throw ConsoleException.notFound("no page " + Clip.of(path, Clip.SHORT).text() + " here");
    };
  }

  private Response page(
      Request request,
      Sessions.Session session,
      String active,
      String title,
      String template,
      Object given) {
    Views.Frame frame = frame(request, session, active, title);
    Object view =
        given != null
            ? given
            : switch (template) {
              case "dashboard.jte" -> pages.dashboard(frame);
              case "failed.jte" -> pages.failed(frame, request);
              case "message.jte" -> pages.message(frame, request);
              case "trace.jte" -> pages.trace(frame, request);
              case "discarded.jte" -> pages.discarded(request);
              default -> throw new IllegalStateException(template);
            };
    return Replies.html(200, templates.page(template, frame, view));
  }

  private Response post(Request request, Sessions.Session session) {
    if (settings.token() == null) {
      throw ConsoleException.forbidden(
          "this console is read-only: no action token is configured (PUMP_CONSOLE_TOKEN or"
              + " --token-file for pump console, pump.console.token in Spring Boot)");
    }
    String refused = Origins.refusal(request);
    if (refused != null) {
      throw ConsoleException.forbidden(refused);
    }
    if (request.path().equals("/login")) {
      return login(request, session);
    }
    if (session == null) {
      throw ConsoleException.forbidden("sign in with the action token first");
    }
    if (!Sessions.same(request.formParameter("csrf"), session.csrf())) {
      throw ConsoleException.forbidden(
          "the form's CSRF token is missing or wrong: reload the page and try again");
    }
    Views.Frame frame = frame(request, session, "failed", "Done");
    return switch (request.path()) {
      case "/logout" -> {
        sessions.end(session.id());
        yield Replies.redirect(request.basePath() + "/", Replies.endCookie(request));
      }
      case "/failed/retry" ->
          Replies.html(200, templates.page("outcomes.jte", frame, actions.retry(frame, request)));
      case "/failed/discard" ->
          Replies.html(200, templates.page("outcomes.jte", frame, actions.discard(frame, request)));
      default ->
          throw ConsoleException.notFound(
              "no action " + Clip.of(request.path(), Clip.SHORT).text() + " here");
    };
  }

  private Response login(Request request, Sessions.Session session) {
    Duration wait = throttle.take(request.remoteAddress());
    if (!wait.isZero()) {
      long seconds = Math.max(1, wait.toSeconds() + (wait.toMillisPart() > 0 ? 1 : 0));
      Views.Frame frame = frame(request, session, "login", "Sign in");
      return Replies.withHeader(
          Replies.html(
              429,
              templates.page(
                  "login.jte",
                  frame,
                  new Views.Login(
                      "Too many wrong tokens from this address: try again in " + seconds + " s."))),
          "retry-after",
          String.valueOf(seconds));
    }
    if (!Sessions.same(request.formParameter("token"), settings.token())) {
      LOG.warn("console: a sign-in with a wrong token from {}", request.remoteAddress());
      Views.Frame frame = frame(request, session, "login", "Sign in");
      return Replies.html(
          403,
          templates.page(
              "login.jte", frame, new Views.Login("That is not the console's action token.")));
    }
    throttle.succeeded(request.remoteAddress());
    if (session != null) {
      sessions.end(session.id());
    }
    Sessions.Session started = sessions.start();
    return Replies.redirect(
        request.basePath() + "/", Replies.sessionCookie(request, started, sessions.timeout()));
  }

  private Views.Frame frame(Request request, Sessions.Session session, String active) {
    return frame(request, session, active, "Pump");
  }

  private Views.Frame frame(
      Request request, Sessions.Session session, String active, String title) {
    return new Views.Frame(
        title,
        request.basePath(),
        active,
        settings.token() == null,
        session != null,
        session == null ? null : session.csrf());
  }

  private Response problem(Views.Frame frame, int status, String title, String reason) {
    return Replies.html(
        status,
        templates.page(
            "problem.jte",
            new Views.Frame(
                title, frame.base(), "", frame.readOnly(), frame.signedIn(), frame.csrf()),
            new Views.Problem(status, title, Clip.of(reason, Clip.MEDIUM))));
  }

  private Response failure(Views.Frame frame, RuntimeException e) {
    SQLException sql = sqlCause(e);
    if (sql != null && unavailable(sql)) {
      LOG.warn("console: the database is unavailable: {}", sql.toString());
      return problem(
          frame,
          503,
          "Database unavailable",
          "the database cannot be reached right now ("
              + sql.getMessage()
              + "); try again in a moment");
    }
    LOG.error("console: a request failed", e);
    return problem(
        frame,
        500,
        "Failed",
        sql != null
            ? "the operation failed in the database (SQL state " + sql.getSQLState() + ")"
            : "the console failed to answer; its log has the details");
  }

  private static boolean unavailable(SQLException sql) {
    String state = sql.getSQLState();
    return sql instanceof SQLTransientConnectionException
        || (state != null
            && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")));
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static String cookie(Request request) {
    String header = request.header("cookie");
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      int equals = part.indexOf('=');
      if (equals > 0 && part.substring(0, equals).strip().equals(COOKIE)) {
        return part.substring(equals + 1).strip();
      }
    }
    return null;
  }

  private static byte[] asset(String name) {
    try (InputStream in = ConsoleHandler.class.getResourceAsStream("/dev/pump/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource dev/pump/console/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
