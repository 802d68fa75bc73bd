package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.internal.routing.NoHandlerException;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.recoverability.RecoverabilityPolicy;
import dev.pump.core.recoverability.RecoveryDecision;
import dev.pump.core.spi.MessageDeserializationException;
import dev.pump.core.spi.MessageSerializationException;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.testing.Queues;
import dev.pump.core.testing.TestMessages.Orphan;
import dev.pump.core.testing.TestMessages.Ping;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecoverabilityBehaviourTest extends EndpointTestSupport {

  private Endpoint sender() {
    return endpoint("sender").build();
  }

  private ReceivedMessage awaitErrorQueueMessage() {
    await().until(() -> memory.queueStats("error").ready() == 1);
    List<ReceivedMessage> parked = Queues.drain(memory, "error");
    assertThat(parked).hasSize(1);
    return parked.getFirst();
  }

  @Test
  void aTransientFailureIsRetriedImmediatelyAndThenSucceeds() {
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger succeeded = new AtomicInteger();
    sender().withoutOutbox().send("flaky", new Ping(1));

    start(
        endpoint("flaky")
            .recoverability(Recoverability.builder().immediateRetries(5).delayedRetries(0).build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  if (attempts.incrementAndGet() < 3) {
                    throw new IllegalStateException("database busy");
                  }
                  succeeded.incrementAndGet();
                }));

    await().until(() -> succeeded.get() == 1);
    assertThat(attempts.get()).isEqualTo(3);
    await().until(() -> memory.queueStats("flaky").total() == 0);
    assertThat(memory.queueStats("error").total()).isZero();
  }

  @Test
  void afterImmediateRetriesEachDelayedRoundWaitsLongerThenTheMessageIsParked() {
    AtomicInteger attempts = new AtomicInteger();
    sender().withoutOutbox().send("doomed", new Ping(1));

    start(
        endpoint("doomed")
            .recoverability(
                Recoverability.builder()
                    .immediateRetries(1)
                    .delayedRetries(2)
                    .delayedRetryIncrement(Duration.ofSeconds(10))
                    .build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  throw new IllegalStateException("always fails");
                }));

    // round 0: first attempt + 1 immediate retry, then a copy waits 10 s (round 1 of 2)
    await().until(() -> attempts.get() == 2 && memory.queueStats("doomed").delayed() == 1);
    clock.advance(Duration.ofSeconds(9));
    assertThat(memory.queueStats("doomed").delayed()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    // round 1 repeats the immediate retries, then waits 20 s
    await().until(() -> attempts.get() == 4 && memory.queueStats("doomed").delayed() == 1);
    clock.advance(Duration.ofSeconds(19));
    assertThat(memory.queueStats("doomed").delayed()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));

    ReceivedMessage parked = awaitErrorQueueMessage();
    assertThat(attempts.get()).isEqualTo(6);
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_RETRIES_EXHAUSTED)
        .containsEntry(Headers.IMMEDIATE_RETRIES_MADE, "1")
        .containsEntry(Headers.DELAYED_RETRIES_MADE, "2");
  }

  @Test
  void theParkedMessageKeepsItsBodyAndHeadersAndRecordsWhyWhereAndWhenItFailed() {
    sender()
        .withoutOutbox()
        .send("parking", new Ping(7), SendOptions.builder().header("tenant", "acme").build());

    start(
        endpoint("parking")
            .handler(
                Ping.class,
                (ping, context) -> {
                  throw new IllegalArgumentException("price must be positive");
                }));

    ReceivedMessage parked = awaitErrorQueueMessage();
    assertThat(new String(parked.body(), StandardCharsets.UTF_8)).isEqualTo("{\"number\":7}");
    assertThat(parked.headers())
        .containsEntry("tenant", "acme")
        .containsEntry(Headers.MESSAGE_ID, parked.messageId())
        .containsKey(Headers.ENCLOSED_TYPES)
        .containsEntry(Headers.FAILED_QUEUE, "parking")
        .containsEntry(Headers.EXCEPTION_TYPE, IllegalArgumentException.class.getName())
        .containsEntry(Headers.EXCEPTION_MESSAGE, "price must be positive")
        .containsEntry(Headers.TIME_OF_FAILURE, clock.instant().toString())
        .containsEntry(Headers.IMMEDIATE_RETRIES_MADE, "0")
        .containsEntry(Headers.DELAYED_RETRIES_MADE, "0");
    assertThat(parked.headers().get(Headers.STACK_TRACE))
        .startsWith("java.lang.IllegalArgumentException: price must be positive")
        .contains("RecoverabilityBehaviourTest");
  }

  @Test
  void anExceptionConfiguredAsUnrecoverableSkipsEveryRetryEvenWhenWrapped() {
    AtomicInteger attempts = new AtomicInteger();
    sender().withoutOutbox().send("strict", new Ping(1));

    start(
        endpoint("strict")
            .recoverability(
                Recoverability.builder().unrecoverable(UncheckedIOException.class).build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  throw new IllegalStateException(
                      "wrapped", new UncheckedIOException(new java.io.IOException("corrupt")));
                }));

    ReceivedMessage parked = awaitErrorQueueMessage();
    assertThat(attempts.get()).isEqualTo(1);
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE);
  }

  @Test
  void anUnreadablePayloadGoesStraightToTheErrorQueueWithTheReason() {
    AtomicInteger attempts = new AtomicInteger();
    memory.send(
        "garbled",
        List.of(
            OutgoingMessage.of(
                "bad-json",
                Map.of(
                    Headers.MESSAGE_ID, "bad-json",
                    Headers.CONTENT_TYPE, "application/json",
                    Headers.ENCLOSED_TYPES, Ping.class.getName()),
                "{not json".getBytes(StandardCharsets.UTF_8))));

    start(
        endpoint("garbled")
            .recoverability(Recoverability.defaults())
            .handler(Ping.class, (ping, context) -> attempts.incrementAndGet()));

    ReceivedMessage parked = awaitErrorQueueMessage();
    assertThat(parked.messageId()).isEqualTo("bad-json");
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE)
        .containsEntry(Headers.EXCEPTION_TYPE, MessageDeserializationException.class.getName());
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE)).contains("bad-json");
    assertThat(new String(parked.body(), StandardCharsets.UTF_8)).isEqualTo("{not json");
    assertThat(attempts.get()).isZero();
  }

  @Test
  void aMessageOfATypeNobodyHandlesGoesStraightToTheErrorQueue() {
    sender().withoutOutbox().send("picky", new Orphan("hello"));

    start(
        endpoint("picky")
            .recoverability(Recoverability.defaults())
            .handler(Ping.class, (ping, context) -> {}));

    ReceivedMessage parked = awaitErrorQueueMessage();
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE)
        .containsEntry(Headers.EXCEPTION_TYPE, NoHandlerException.class.getName());
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE)).contains(Orphan.class.getName());
  }

  @Test
  void aParkedMessageRetriedFromTheErrorQueueSucceedsOnceTheFaultIsFixed() {
    AtomicBoolean fixed = new AtomicBoolean();
    AtomicInteger succeeded = new AtomicInteger();
    Endpoint endpoint =
        start(
            endpoint("fixable")
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      if (!fixed.get()) {
                        throw new IllegalStateException("bug in version 1");
                      }
                      succeeded.incrementAndGet();
                    }));
    sender()
        .withoutOutbox()
        .send("fixable", new Ping(1), SendOptions.builder().messageId("ping-1").build());
    sender()
        .withoutOutbox()
        .send("fixable", new Ping(2), SendOptions.builder().messageId("ping-2").build());
    await().until(() -> memory.queueStats("error").ready() == 2);

    fixed.set(true);
    assertThat(endpoint.failedMessages().retry("ping-1")).isTrue();

    await().until(() -> succeeded.get() == 1);
    assertThat(memory.queueStats("error").ready()).isEqualTo(1);
    assertThat(endpoint.failedMessages().retryAll()).isEqualTo(1);
    await().until(() -> succeeded.get() == 2);
    assertThat(memory.queueStats("error").total()).isZero();
    assertThat(endpoint.failedMessages().retry("no-such-id")).isFalse();
  }

  @Test
  void aMessageRetriedFromTheErrorQueueStartsAfreshWithoutFailureHeaders() {
    AtomicBoolean fixed = new AtomicBoolean();
    AtomicInteger sawFailureHeaders = new AtomicInteger(-1);
    Endpoint endpoint =
        start(
            endpoint("fresh")
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      if (!fixed.get()) {
                        throw new IllegalStateException("not yet");
                      }
                      sawFailureHeaders.set(
                          (int)
                              context.headers().keySet().stream()
                                  .filter(h -> h.startsWith(Headers.FAILURE_PREFIX))
                                  .count());
                    }));
    sender().withoutOutbox().send("fresh", new Ping(1));
    await().until(() -> memory.queueStats("error").ready() == 1);

    fixed.set(true);
    endpoint.failedMessages().retryAll();

    await().until(() -> sawFailureHeaders.get() == 0);
  }

  @Test
  void aCustomPolicyDecidesPerFailure() {
    AtomicInteger attempts = new AtomicInteger();
    RecoverabilityPolicy policy =
        (failure, tried) ->
            failure.exception() instanceof IllegalStateException && tried.immediateRetries() < 2
                ? RecoveryDecision.retryImmediately()
                : RecoveryDecision.moveToErrorQueue("custom-verdict");
    sender().withoutOutbox().send("custom", new Ping(1));

    start(
        endpoint("custom")
            .recoverability(Recoverability.builder().policy(policy).build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  throw new IllegalStateException("retry me twice");
                }));

    ReceivedMessage parked = awaitErrorQueueMessage();
    assertThat(attempts.get()).isEqualTo(3);
    assertThat(parked.headers()).containsEntry(Headers.FAILURE_REASON, "custom-verdict");
  }

  @Test
  void aHugeExceptionMessageIsCutToTheLimitInTheErrorQueueHeaders() {
    String huge = "x".repeat(100_000);
    sender().withoutOutbox().send("verbose", new Ping(1));

    start(
        endpoint("verbose")
            .handler(
                Ping.class,
                (ping, context) -> {
                  throw new IllegalStateException(huge);
                }));

    ReceivedMessage parked = awaitErrorQueueMessage();
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .hasSize(Headers.MAX_EXCEPTION_MESSAGE_CHARS)
        .startsWith("xxxx")
        .endsWith("(truncated)");
    int failureHeaderChars =
        parked.headers().entrySet().stream()
            .filter(h -> h.getKey().startsWith(Headers.FAILURE_PREFIX))
            .mapToInt(h -> h.getKey().length() + h.getValue().length())
            .sum();
    assertThat(failureHeaderChars).isLessThan(24 * 1024);
  }

  @Test
  void aMessageDeliveredMoreOftenThanMaxDeliveriesIsParkedWithoutRunningTheHandlers()
      throws Exception {
    AtomicInteger handled = new AtomicInteger();
    sender()
        .withoutOutbox()
        .send("crashing", new Ping(1), SendOptions.builder().messageId("crasher").build());
    // two earlier deliveries that never settled, as if each crashed the process
    for (int i = 0; i < 2; i++) {
      memory.receive("crashing", Duration.ZERO).orElseThrow().abandon(Duration.ZERO);
    }

    start(
        endpoint("crashing")
            .recoverability(Recoverability.builder().maxDeliveries(2).build())
            .handler(Ping.class, (ping, context) -> handled.incrementAndGet()));

    ReceivedMessage parked = awaitErrorQueueMessage();
    assertThat(parked.messageId()).isEqualTo("crasher");
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_TOO_MANY_DELIVERIES)
        .containsEntry(Headers.FAILED_QUEUE, "crashing");
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .contains("crasher")
        .contains("delivered 3 times")
        .contains("maxDeliveries (2)");
    assertThat(handled.get()).isZero();
    assertThat(memory.queueStats("crashing").total()).isZero();
  }

  @Test
  void aHandlerSendingACommandWithoutARouteIsParkedWithoutRetries() {
    AtomicInteger attempts = new AtomicInteger();
    sender().withoutOutbox().send("misrouted", new Ping(1));

    start(
        endpoint("misrouted")
            .recoverability(Recoverability.defaults())
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  context.send(new Orphan("no route for me"));
                }));

    ReceivedMessage parked = awaitErrorQueueMessage();
    assertThat(attempts.get()).isEqualTo(1);
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE)
        .containsEntry(Headers.EXCEPTION_TYPE, PumpConfigurationException.class.getName());
  }

  /** A message Jackson cannot write: its accessor throws. */
  public record Unwritable(int number) {
    @Override
    public int number() {
      throw new IllegalStateException("cannot read the number");
    }
  }

  @Test
  void aHandlerSendingAMessageThatCannotBeSerializedIsParkedWithoutRetriesNamingTheMessageId() {
    AtomicInteger attempts = new AtomicInteger();
    sender().withoutOutbox().send("unwritable", new Ping(1));

    start(
        endpoint("unwritable")
            .recoverability(Recoverability.defaults())
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  context.send(
                      "elsewhere",
                      new Unwritable(1),
                      SendOptions.builder().messageId("unwritable-1").build());
                }));

    ReceivedMessage parked = awaitErrorQueueMessage();
    assertThat(attempts.get()).isEqualTo(1);
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE)
        .containsEntry(Headers.EXCEPTION_TYPE, MessageSerializationException.class.getName());
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .contains("unwritable-1")
        .contains(Unwritable.class.getName());
  }
}
