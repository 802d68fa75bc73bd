package dev.pump.console;

import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.jdbc.PostgresTransport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Failed messages put in an error queue as an endpoint leaves them, failure headers and all. */
final class Failures {
  private Failures() {}

  static void put(
      PostgresTransport transport,
      String errorQueue,
      String id,
      Map<String, String> extra,
      String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("app", "kept");
    headers.put(Headers.FAILED_QUEUE, "billing");
    headers.put(Headers.FAILURE_REASON, "retries-exhausted");
    headers.put(Headers.EXCEPTION_TYPE, "java.lang.IllegalStateException");
    headers.put(Headers.EXCEPTION_MESSAGE, "card declined");
    headers.put(
        Headers.STACK_TRACE,
        "java.lang.IllegalStateException: card declined\n\tat shop.Billing.charge(Billing.java:42)");
    headers.put(Headers.TIME_OF_FAILURE, Instant.now().toString());
    headers.putAll(extra);
    transport.send(
        errorQueue,
        List.of(OutgoingMessage.of(id, headers, body.getBytes(StandardCharsets.UTF_8))));
  }
}
