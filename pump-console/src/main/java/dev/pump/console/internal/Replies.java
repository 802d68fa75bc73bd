package dev.pump.console.internal;

import dev.pump.console.PumpConsole.Request;
import dev.pump.console.PumpConsole.Response;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Responses with the headers every answer carries: no sniffing, no framing, no referrer. */
final class Replies {
  private Replies() {}

  static Response html(int status, byte[] body) {
    Map<String, String> headers = secured();
    headers.put("content-type", "text/html; charset=utf-8");
    return new Response(status, headers, body);
  }

  static Response asset(String path, byte[] body) {
    Map<String, String> headers = secured();
    headers.put(
        "content-type",
        path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
    headers.put("cache-control", "max-age=300");
    return new Response(200, headers, body);
  }

  static Response withHeader(Response response, String name, String value) {
    Map<String, String> headers = new LinkedHashMap<>(response.headers());
    headers.put(name, value);
    return new Response(response.status(), headers, response.body());
  }

  static Response redirect(String location, String cookie) {
    Map<String, String> headers = secured();
    headers.put("location", location);
    headers.put("set-cookie", cookie);
    return new Response(303, headers, new byte[0]);
  }

  static String sessionCookie(Request request, Sessions.Session session, Duration timeout) {
    return ConsoleHandler.COOKIE
        + "="
        + session.id()
        + "; Path="
        + cookiePath(request)
        + "; Max-Age="
        + timeout.toSeconds()
        + "; HttpOnly; SameSite=Strict"
        + (request.secure() ? "; Secure" : "");
  }

  static String endCookie(Request request) {
    return ConsoleHandler.COOKIE
        + "=; Path="
        + cookiePath(request)
        + "; Max-Age=0; HttpOnly; SameSite=Strict"
        + (request.secure() ? "; Secure" : "");
  }

  private static String cookiePath(Request request) {
    return request.basePath().isEmpty() ? "/" : request.basePath();
  }

  private static Map<String, String> secured() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-security-policy", ConsoleHandler.CONTENT_SECURITY_POLICY);
    headers.put("x-content-type-options", "nosniff");
    // not no-referrer: with it a browser sends "Origin: null" on the console's own form posts
    headers.put("referrer-policy", "same-origin");
    headers.put("x-frame-options", "DENY");
    headers.put("cache-control", "no-store");
    return headers;
  }
}
