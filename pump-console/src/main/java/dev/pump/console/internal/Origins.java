package dev.pump.console.internal;

import dev.pump.console.PumpConsole.Request;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Whether a POST comes from the console's own pages. A browser says where a request comes from in
 * {@code Sec-Fetch-Site} and {@code Origin}: another site, or an origin whose host and port are not
 * the {@code Host} the request was sent to, is refused. A client that sends neither (curl) still
 * needs a session and its CSRF token.
 */
final class Origins {
  private Origins() {}

  /** Why {@code request} is refused as cross-site, or null when it is not. */
  static String refusal(Request request) {
    String site = request.header("sec-fetch-site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return "a request from another site (Sec-Fetch-Site: "
          + Clip.of(site, 40).text()
          + ") is refused";
    }
    String origin = request.header("origin");
    if (origin == null) {
      return null;
    }
    String host = request.header("host");
    String authority = authority(origin);
    if (host == null || authority == null || !authority.equals(host.toLowerCase(Locale.ROOT))) {
      return "a request from origin "
          + Clip.of(origin, Clip.SHORT).text()
          + " is refused: it is not this console's ("
          + Clip.of(host, Clip.SHORT).text()
          + ")";
    }
    return null;
  }

  private static String authority(String origin) {
    if (origin.equals("null")) {
      return null;
    }
    try {
      URI uri = new URI(origin);
      if (uri.getHost() == null) {
        return null;
      }
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      return uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
