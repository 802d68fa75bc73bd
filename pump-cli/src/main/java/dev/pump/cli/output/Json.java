package dev.pump.cli.output;

import java.io.PrintWriter;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --json} output: records as JSON objects (their component names as keys), instants as ISO
 * 8601 text in UTC, durations as ISO 8601 durations ({@code PT2M3.5S}). Every non-ASCII character
 * is written as a JSON escape, so raw JSON on a terminal cannot carry an escape sequence either.
 * Thread-safe.
 */
public final class Json {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private Json() {}

  /** Prints {@code value} as JSON and a line break. */
  public static void print(PrintWriter out, Object value) {
    out.println(MAPPER.writeValueAsString(value));
    out.flush();
  }

  /** The mapper, for tests that read the output back. */
  public static JsonMapper mapper() {
    return MAPPER;
  }
}
