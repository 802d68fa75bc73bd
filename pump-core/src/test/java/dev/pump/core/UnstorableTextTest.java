package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.internal.pump.ForwardingReceivedMessage;
import dev.pump.core.internal.shared.Names;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Storage;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.pipeline.PipelineBuilder;
import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Text that no storage can hold (a NUL character, half of a surrogate pair) is refused where it
 * enters, with an error that names it, and a failure that would repeat on every delivery parks the
 * message at once with its real cause instead of burning retries.
 */
class UnstorableTextTest extends EndpointTestSupport {
  private static final Recoverability RETRIES =
      Recoverability.builder()
          .immediateRetries(3)
          .delayedRetries(2)
          .delayedRetryIncrement(Duration.ofSeconds(1))
          .build();

  @Test
  void sendOptionsRefuseHeaderValuesAndNamesThatCannotBeStoredNamingTheHeader() {
    assertThatThrownBy(() -> SendOptions.builder().header("note", "a\u0000b").build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("sendOptions.headers[\"note\"] must not contain a NUL character")
        .hasMessageContaining("index 1");
    assertThatThrownBy(() -> SendOptions.builder().header("emoji", "half \uD83D").build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining(
            "sendOptions.headers[\"emoji\"] must not contain half of a surrogate");
    assertThatThrownBy(() -> SendOptions.builder().header("bad\u0000name", "x").build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("sendOptions.headers[\"bad\\u0000name\"] (its name)");
    assertThat(SendOptions.builder().header("emoji", "whole \uD83D\uDE00").build().headers())
        .containsEntry("emoji", "whole \uD83D\uDE00");
  }

  @Test
  void aHandlerThatSendsAnUnstorableHeaderParksItsMessageAtOnceWithTheHeaderNamed() {
    AtomicInteger attempts = new AtomicInteger();
    endpoint("sender").build().withoutOutbox().send("relay", new Ping(1));

    start(
        endpoint("relay")
            .recoverability(RETRIES)
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  context.send(
                      "next", ping, SendOptions.builder().header("note", "a\u0000b").build());
                }));

    ReceivedMessage parked = awaitErrorQueue();
    assertThat(attempts).hasValue(1);
    assertThat(parked.headers().get(Headers.FAILURE_REASON))
        .isEqualTo(Recoverability.REASON_UNRECOVERABLE);
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .contains("sendOptions.headers[\"note\"] must not contain a NUL character");
  }

  @Test
  void anIncomingMessageWithAnUnstorableHeaderIsParkedAtOnceWithoutRunningItsHandlers() {
    transport.onReceived(received -> withHeader(received, "note", "left\u0000right"));
    AtomicInteger handled = new AtomicInteger();
    endpoint("sender").build().withoutOutbox().send("inbound", new Ping(1));

    start(
        endpoint("inbound")
            .recoverability(RETRIES)
            .handler(Ping.class, (ping, context) -> handled.incrementAndGet()));

    ReceivedMessage parked = awaitErrorQueue();
    assertThat(handled).hasValue(0);
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE)
        .containsEntry(Headers.IMMEDIATE_RETRIES_MADE, "0")
        // the record keeps the value, written out so that it can be stored
        .containsEntry("note", "left\\u0000right");
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .contains("header[\"note\"] must not contain a NUL character (U+0000), found at index 4");
    assertThat(memory.queueStats("inbound").total()).isZero();
  }

  @Test
  void anIncomingMessageWhoseIdCannotBeStoredIsParkedUnderAWrittenOutId() {
    transport.onReceived(received ->
        new ForwardingReceivedMessage(received) {
          @Override
          public String messageId() {
            return "id\u0000" + received.messageId();
          }
        });
    AtomicInteger handled = new AtomicInteger();
    endpoint("sender").build().withoutOutbox().send("ids", new Ping(1));

    start(
        endpoint("ids")
            .recoverability(RETRIES)
            .handler(Ping.class, (ping, context) -> handled.incrementAndGet()));

    ReceivedMessage parked = awaitErrorQueue();
    assertThat(handled).hasValue(0);
    assertThat(parked.messageId()).startsWith("id\\u0000");
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .contains("the message id must not contain a NUL character");
  }

  @Test
  void anIncomingMessageWhoseIdIsLongerThanAnyStoreHoldsIsParkedAtOnce() {
    String longId = "x".repeat(Names.MAX_LENGTH + 1);
    transport.onReceived(received ->
        new ForwardingReceivedMessage(received) {
          @Override
          public String messageId() {
            return longId;
          }
        });
    AtomicInteger handled = new AtomicInteger();
    endpoint("sender").build().withoutOutbox().send("long-ids", new Ping(1));

    start(
        endpoint("long-ids")
            .recoverability(RETRIES)
            .handler(Ping.class, (ping, context) -> handled.incrementAndGet()));

    ReceivedMessage parked = awaitErrorQueue();
    assertThat(handled).hasValue(0);
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .contains("the message id must be 1 to 200 characters, was 201");
  }

  @Test
  void aDelayedRetryTheStorageCanNeverStoreParksTheMessageAtOnceWithThatCause() {
    transport.claiming(new TransportCapabilities(false, false, true, 64L * 1024 * 1024));
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger refusals = new AtomicInteger();
    Storage refusing =
        new Storage() {
          @Override
          public void install(PipelineBuilder pipeline) {}

          @Override
          public boolean holdsDelayedMessages() {
            return true;
          }

          @Override
          public void sendLater(String endpoint, String queue, OutgoingMessage message) {
            refusals.incrementAndGet();
            throw new UnrecoverableMessageException("the retry's row was refused for good");
          }
        };
    endpoint("sender").build().withoutOutbox().send("flaky", new Ping(1));

    start(
        endpoint("flaky")
            .storage(refusing)
            .recoverability(RETRIES)
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  throw new IllegalStateException("a transient failure");
                }));

    ReceivedMessage parked = awaitErrorQueue();
    assertThat(refusals).hasValue(1);
    assertThat(attempts).hasValue(1 + 3); // the first attempt and the immediate retries, once
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE)
        .containsEntry(Headers.IMMEDIATE_RETRIES_MADE, "3")
        .containsEntry(Headers.EXCEPTION_TYPE, UnrecoverableMessageException.class.getName())
        .containsEntry(Headers.EXCEPTION_MESSAGE, "the retry's row was refused for good");
    // the handler's own failure is kept in the record too
    assertThat(parked.headers().get(Headers.STACK_TRACE)).contains("a transient failure");
    assertThat(memory.queueStats("flaky").total()).isZero();
  }

  private ReceivedMessage awaitErrorQueue() {
    await().until(() -> memory.queueStats("error").total() == 1);
    try {
      return memory.receive("error", Duration.ofSeconds(5)).orElseThrow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static ReceivedMessage withHeader(ReceivedMessage received, String name, String value) {
    Map<String, String> headers = new LinkedHashMap<>(received.headers());
    headers.put(name, value);
    return new ForwardingReceivedMessage(received) {
      @Override
      public Map<String, String> headers() {
        return headers;
      }
    };
  }
}
