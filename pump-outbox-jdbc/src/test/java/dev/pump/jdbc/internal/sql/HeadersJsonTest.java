package dev.pump.jdbc.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class HeadersJsonTest {
  @Test
  void writesWhatJacksonWritesAndReadsItBack() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("pump.message-id", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    headers.put("quote\"d", "back\\slash and \"quotes\"");
    headers.put("controls", "\n\r\t\b\f\u0001\u001f\u007f end");
    headers.put("unicode", "ünïcødé ✓ \uD83D\uDE00 \u2028");
    headers.put("empty", "");

    String json = HeadersJson.write(headers);

    assertThat(json).isEqualTo(JsonMapper.builder().build().writeValueAsString(headers));
    assertThat(HeadersJson.read(json)).containsExactlyEntriesOf(headers);
    assertThat(HeadersJson.write(Map.of())).isEqualTo("{}");
  }
}
