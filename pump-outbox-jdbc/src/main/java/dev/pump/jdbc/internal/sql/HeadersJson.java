package dev.pump.jdbc.internal.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Message headers as the JSON object stored in {@code jsonb} columns. Thread-safe. */
public final class HeadersJson {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private HeadersJson() {}

  /** Writes {@code headers} as a JSON object of strings. */
  public static String write(Map<String, String> headers) {
    return JSON.writeValueAsString(headers);
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
