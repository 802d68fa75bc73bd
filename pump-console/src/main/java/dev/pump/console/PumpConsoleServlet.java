package dev.pump.console;

import dev.pump.console.internal.FormDecoder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Serial;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mounts a {@link PumpConsole} in a servlet container (Jakarta Servlet 6): map it to a path with a
 * wildcard, such as {@code /pump/*}. Links and the session cookie follow the mapping; the host
 * application's authenticated user, if any, is recorded as who discarded. Spring Boot registers it
 * by itself when {@code pump.console.enabled=true}. Thread-safe.
 */
public class PumpConsoleServlet extends HttpServlet {
  @Serial private static final long serialVersionUID = 1L;

  private final transient PumpConsole console;

  /** A servlet answering with {@code console}. */
  public PumpConsoleServlet(PumpConsole console) {
    this.console = console;
  }

  /** Answers GET, HEAD and POST through the console; other methods get 405 from it. */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String base = request.getContextPath() + request.getServletPath();
    String path = request.getPathInfo();
    if (path == null) {
      response.sendRedirect(base + "/");
      return;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, request.getHeader(name));
    }
    String method = request.getMethod();
    Map<String, List<String>> form = Map.of();
    String contentType = request.getContentType();
    if ("POST".equals(method)
        && contentType != null
        && contentType
            .toLowerCase(java.util.Locale.ROOT)
            .startsWith("application/x-www-form-urlencoded")) {
      byte[] body = request.getInputStream().readNBytes(PumpConsoleServer.MAX_BODY_BYTES + 1);
      if (body.length > PumpConsoleServer.MAX_BODY_BYTES) {
        response.sendError(413);
        return;
      }
      form = FormDecoder.decode(new String(body, StandardCharsets.UTF_8));
    }
    Principal principal = request.getUserPrincipal();
    PumpConsole.Response answer =
        console.handle(
            new PumpConsole.Request(
                method,
                base,
                path,
                FormDecoder.decode(request.getQueryString()),
                form,
                headers,
                InetAddress.getByName(request.getRemoteAddr()),
                request.isSecure(),
                principal == null ? null : principal.getName()));
    response.setStatus(answer.status());
    answer.headers().forEach(response::setHeader);
    byte[] body = answer.body();
    if (body.length > 0 && !"HEAD".equals(method)) {
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }
  }
}
