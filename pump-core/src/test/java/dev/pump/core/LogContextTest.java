package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.testing.TestMessages.Ping;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest extends EndpointTestSupport {

  @Test
  void whileAMessageIsHandledTheMdcNamesTheEndpointMessageCorrelationAndAttempt() {
    List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    start(
        endpoint("logged")
            .recoverability(Recoverability.builder().immediateRetries(1).delayedRetries(0).build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  seen.add(MDC.getCopyOfContextMap());
                  if (seen.size() == 1) {
                    throw new IllegalStateException("first attempt fails");
                  }
                }));

    Endpoint client = endpoint("client").build();
    client
        .withoutOutbox()
        .send(
            "logged",
            new Ping(1),
            SendOptions.builder().messageId("m-1").correlationId("c-9").build());

    await().until(() -> seen.size() == 2);
    assertThat(seen.get(0))
        .containsEntry(LogContext.ENDPOINT, "logged")
        .containsEntry(LogContext.MESSAGE_ID, "m-1")
        .containsEntry(LogContext.CORRELATION_ID, "c-9")
        .containsEntry(LogContext.ATTEMPT, "1");
    assertThat(seen.get(1)).containsEntry(LogContext.ATTEMPT, "2");
  }
}
