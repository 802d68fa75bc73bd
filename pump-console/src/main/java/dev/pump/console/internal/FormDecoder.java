package dev.pump.console.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes a query string or an {@code application/x-www-form-urlencoded} body. */
public final class FormDecoder {
  /** The most parameters read from one query or form: {@value}. */
  public static final int MAX_PARAMETERS = 2_000;

  private FormDecoder() {}

  /** {@code name=value&...} as names to their values in order; null or "" as none. */
  public static Map<String, List<String>> decode(String encoded) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return parameters;
    }
    int count = 0;
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty() || ++count > MAX_PARAMETERS) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      try {
        parameters
            .computeIfAbsent(
                URLDecoder.decode(name, StandardCharsets.UTF_8), n -> new ArrayList<>())
            .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException malformed) {
        // a malformed escape: the parameter is left out, as a browser never sends one
      }
    }
    return parameters;
  }
}
