package dev.pump.jdbc.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

class HeadersJsonTest {
  private static final JsonMapper JACKSON = JsonMapper.builder().build();

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

  /**
   * What PostgreSQL's jsonb gives back, what other producers write, and Jackson's reading of it.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        " \t\r\n{ \n}\t ",
        "{\"pump.message-id\": \"m-1\", \"pump.content-type\": \"application/json\"}",
        "{ \"a\" :\"1\" ,\n\"b\"\t:\r\"2\" }",
        "{\"escapes\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"}",
        "{\"unicode\":\"\\u0041\\u00e9\\u00E9\\u2028\\u0000\"}",
        "{\"pair\":\"\\uD83D\\uDE00 and \uD83D\uDE00\"}",
        "{\"lone\":\"\\uD800 x \\uDC00\"}",
        "{\"\\u006Eame\":\"escaped name\",\"\":\"\"}",
        "{\"a\":\"1\",\"b\":\"2\",\"a\":\"3\"}",
        "{\"raw\":\"ünïcødé ✓ \u007f\"}"
      })
  void readsWhatJacksonReads(String json) {
    Map<String, String> jackson = JACKSON.readValue(json, new TypeReference<>() {});

    assertThat(HeadersJson.read(json)).containsExactlyEntriesOf(jackson);
  }

  @Test
  void aNameGivenTwiceKeepsItsFirstPlaceAndItsLastValue() {
    assertThat(HeadersJson.read("{\"a\":\"1\",\"b\":\"2\",\"a\":\"3\"}"))
        .containsExactly(Map.entry("a", "3"), Map.entry("b", "2"));
  }

  @Test
  void escapesAreDecodedAndASurrogatePairBecomesOneCharacter() {
    assertThat(
            HeadersJson.read("{\"k\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\uD83D\\uDE00\"}"))
        .containsExactly(Map.entry("k", "\"\\/\b\f\n\r\tAé\uD83D\uDE00"));
    assertThat(HeadersJson.read("{\"k\":\"\\uD83D\\uDE00\"}").get("k").codePointAt(0))
        .isEqualTo(0x1F600);
  }

  @Test
  void anythingButAnObjectIsNamedByItsType() {
    assertThatThrownBy(() -> HeadersJson.read("[\"a\"]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("headers must be a JSON object of strings, was ARRAY");
    assertThatThrownBy(() -> HeadersJson.read(" \"a\""))
        .hasMessage("headers must be a JSON object of strings, was STRING");
    assertThatThrownBy(() -> HeadersJson.read("-1.5"))
        .hasMessage("headers must be a JSON object of strings, was NUMBER");
    assertThatThrownBy(() -> HeadersJson.read("true"))
        .hasMessage("headers must be a JSON object of strings, was BOOLEAN");
    assertThatThrownBy(() -> HeadersJson.read("null"))
        .hasMessage("headers must be a JSON object of strings, was NULL");
    assertThatThrownBy(() -> HeadersJson.read(" \n"))
        .hasMessage("headers must be a JSON object of strings, was empty");
  }

  @Test
  void aValueThatIsNotAStringIsNamedWithItsHeader() {
    assertThatThrownBy(() -> HeadersJson.read("{\"ok\":\"1\", \"pump.attempt\": 2}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header pump.attempt must be a string, was NUMBER");
    assertThatThrownBy(() -> HeadersJson.read("{\"a\":null}"))
        .hasMessage("header a must be a string, was NULL");
    assertThatThrownBy(() -> HeadersJson.read("{\"a\":false}"))
        .hasMessage("header a must be a string, was BOOLEAN");
    assertThatThrownBy(() -> HeadersJson.read("{\"a\":{\"b\":\"c\"}}"))
        .hasMessage("header a must be a string, was OBJECT");
    assertThatThrownBy(() -> HeadersJson.read("{\"a\":[\"b\"]}"))
        .hasMessage("header a must be a string, was ARRAY");
  }

  /** Each is refused by Jackson's tree reader too; the message names the offset. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":\"b\"",
        "{\"a\":\"b",
        "{\"a\":\"b\\",
        "{\"a\":\"b\",}",
        "{\"a\" \"b\"}",
        "{\"a\":\"b\" \"c\":\"d\"}",
        "{a:\"b\"}",
        "{'a':'b'}",
        "{\"a\":\"b\"} x",
        "{\"a\":\"b\"}}",
        "{\"a\":\"b\"}{}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"\\u12G4\"}",
        "{\"a\":\"\\uＡＡＡＡ\"}",
        "{\"a\":\"\\U0041\"}",
        "{\"a\":\"raw\ncontrol\"}",
        "{\"a\":\"raw\u0000nul\"}",
        "{\"a\":tru}",
        "{\"a\":nul}",
        "{\"a\":x}",
        "{\"a\":}"
      })
  void invalidJsonIsRefusedSayingWhereAsJacksonRefusesIt(String json) {
    assertThatThrownBy(() -> JACKSON.readTree(json)).as("Jackson reading %s", json).isNotNull();
    assertThatThrownBy(() -> HeadersJson.read(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("headers are not valid JSON: ")
        .hasMessageContaining(" at offset ");
  }

  @Test
  void aUnicodeEscapeTakesOnlyAsciiHexDigits() {
    // stricter than Jackson 3.2 reading a String, which takes U+0663 (ARABIC-INDIC DIGIT THREE)
    // for the hex digit c
    assertThatThrownBy(() -> HeadersJson.read("{\"a\":\"\\u٣٣٣٣\"}"))
        .hasMessage(
            "headers are not valid JSON: \\u escape needs 4 hex digits, found U+0663 at offset 8");
  }

  @Test
  void invalidJsonSaysWhatWasFoundWhere() {
    assertThatThrownBy(() -> HeadersJson.read("{\"a\":\"b\"} x"))
        .hasMessage("headers are not valid JSON: unexpected 'x' after the object at offset 10");
    assertThatThrownBy(() -> HeadersJson.read("{\"a\":\"\\q\"}"))
        .hasMessage("headers are not valid JSON: unknown escape 'q' after a backslash at offset 7");
    assertThatThrownBy(() -> HeadersJson.read("{\"a\":\"b\nc\"}"))
        .hasMessage(
            "headers are not valid JSON: unescaped control character U+000A in a string at"
                + " offset 7");
    assertThatThrownBy(() -> HeadersJson.read("{\"a\":\"b\""))
        .hasMessage(
            "headers are not valid JSON: expected ',' or '}' after header a, found the end"
                + " at offset 8");
  }

  @Test
  void everyCharacterRoundTripsThroughWriteAndRead() {
    Random random = new Random(18);
    for (int round = 0; round < 200; round++) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = random.nextInt(6); i > 0; i--) {
        headers.put(text(random), text(random));
      }

      String json = HeadersJson.write(headers);

      assertThat(HeadersJson.read(json)).containsExactlyEntriesOf(headers);
      assertThatCode(() -> JACKSON.readTree(json)).doesNotThrowAnyException();
    }
  }

  /** Any UTF-16 units, control characters, quotes, backslashes and lone surrogates included. */
  private static String text(Random random) {
    char[] text = new char[random.nextInt(12)];
    for (int i = 0; i < text.length; i++) {
      text[i] =
          random.nextBoolean()
              ? "\"\\/\b\f\n\r\t\u0000\u001f a".charAt(random.nextInt(12))
              : (char) random.nextInt(Character.MAX_VALUE + 1);
    }
    return new String(text);
  }
}
