package dev.pump.jdbc.internal.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Message headers as the JSON object stored in {@code jsonb} columns. Thread-safe. */
public final class HeadersJson {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private HeadersJson() {}

  /**
   * Writes {@code headers} as a JSON object of strings, as Jackson would (a null value as {@code
   * null}), without going through a generator: this runs for every message sent.
   */
  public static String write(Map<String, String> headers) {
    StringBuilder json = new StringBuilder(32 + headers.size() * 48);
    json.append('{');
    boolean first = true;
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (header.getKey() == null) {
        throw new IllegalArgumentException("a header has a null name");
      }
      if (!first) {
        json.append(',');
      }
      first = false;
      string(json, header.getKey());
      json.append(':');
      if (header.getValue() == null) {
        json.append("null");
      } else {
        string(json, header.getValue());
      }
    }
    return json.append('}').toString();
  }

  /** Appends {@code value} as a JSON string: quotes, backslashes and control characters escaped. */
  private static void string(StringBuilder json, String value) {
    json.append('"');
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      json.append(value, start, i);
      start = i + 1;
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        case '\b' -> json.append("\\b");
        case '\f' -> json.append("\\f");
        default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    json.append(value, start, value.length()).append('"');
  }

  /**
   * Reads a JSON object of strings.
   *
   * @throws IllegalArgumentException naming what is wrong if {@code json} is not an object whose
   *     values are all strings
   */
  public static Map<String, String> read(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("headers are not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "headers must be a JSON object of strings, was "
              + (node == null ? "empty" : node.getNodeType()));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!field.getValue().isString()) {
        throw new IllegalArgumentException(
            "header "
                + field.getKey()
                + " must be a string, was "
                + field.getValue().getNodeType());
      }
      headers.put(field.getKey(), field.getValue().asString());
    }
    return headers;
  }
}
