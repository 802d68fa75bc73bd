package dev.pump.jdbc.internal.operations;

import dev.pump.core.Headers;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.internal.queue.ClaimedMessage;
import dev.pump.jdbc.internal.sql.HeadersJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/** Builds {@link ErrorQueue.Message}s: the failure headers read, the body cut to a preview. */
public final class Previews {
  private Previews() {}

  /** Headers kept as a JSON text, read; unreadable ones shown raw under one name. */
  public static Map<String, String> headers(String json) {
    try {
      return Map.copyOf(HeadersJson.read(json));
    } catch (IllegalArgumentException e) {
      return Map.of(ClaimedMessage.UNREADABLE_HEADERS, json);
    }
  }

  /** A message of an error queue, from its headers, its body's start and its size. */
  public static ErrorQueue.Message failed(
      String errorQueue,
      String cursor,
      String messageId,
      Map<String, String> headers,
      byte[] bodyStart,
      int bodyBytes,
      Instant enqueuedAt,
      int attempts) {
    String text = text(bodyStart, bodyBytes);
    return new ErrorQueue.Message(
        errorQueue,
        cursor,
        messageId,
        headers.get(Headers.FAILED_QUEUE),
        headers.get(Headers.FAILURE_REASON),
        headers.get(Headers.EXCEPTION_TYPE),
        headers.get(Headers.EXCEPTION_MESSAGE),
        headers.get(Headers.STACK_TRACE),
        failedAt(headers, enqueuedAt),
        attempts,
        headers,
        text != null ? text : HexFormat.of().formatHex(cut(bodyStart)),
        text != null,
        bodyBytes);
  }

  /** When it failed: the failure header's time if it reads, else {@code fallback}. */
  public static Instant failedAt(Map<String, String> headers, Instant fallback) {
    String time = headers.get(Headers.TIME_OF_FAILURE);
    if (time != null) {
      try {
        return Instant.parse(time);
      } catch (DateTimeException e) {
        // a hostile or foreign header: fall back
      }
    }
    return fallback;
  }

  /** The body's first {@link ErrorQueue#BODY_PREVIEW_BYTES} bytes. */
  public static byte[] cut(byte[] body) {
    return body.length <= ErrorQueue.BODY_PREVIEW_BYTES
        ? body
        : Arrays.copyOf(body, ErrorQueue.BODY_PREVIEW_BYTES);
  }

  // valid UTF-8 as text; a cut body may end inside a character: up to 3 bytes are dropped then
  private static String text(byte[] start, int whole) {
    byte[] bytes = cut(start);
    int drop = bytes.length < whole ? 3 : 0;
    for (int d = 0; d <= Math.min(drop, bytes.length); d++) {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, 0, bytes.length - d))
            .toString();
      } catch (CharacterCodingException e) {
        // try a shorter cut, or hex
      }
    }
    return null;
  }
}
