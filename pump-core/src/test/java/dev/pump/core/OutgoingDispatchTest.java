package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.testing.Queues;
import dev.pump.core.testing.RecordingTransport.Call;
import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.core.testing.TestMessages.PlaceOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OutgoingDispatchTest extends EndpointTestSupport {

  @Test
  void nothingAHandlerSentLeavesWhenTheHandlerFails() {
    endpoint("x").build().withoutOutbox().send("failing", new Ping(1));

    start(
        endpoint("failing")
            .handler(
                Ping.class,
                (ping, context) -> {
                  context.send("downstream", new PlaceOrder("o-1"));
                  context.publish(new PlaceOrder("o-2"));
                  throw new IllegalStateException("after sending");
                }));

    await().until(() -> memory.queueStats("error").ready() == 1);
    assertThat(memory.queueStats("downstream").total()).isZero();
    assertThat(transport.callsTo("downstream")).isEmpty();
  }

  @Test
  void aRetriedAttemptStartsWithAnEmptyBufferSoEachSendLeavesOnce() {
    AtomicInteger attempts = new AtomicInteger();
    endpoint("x").build().withoutOutbox().send("retrying", new Ping(1));

    start(
        endpoint("retrying")
            .recoverability(Recoverability.builder().immediateRetries(3).delayedRetries(0).build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  context.send("downstream", new PlaceOrder("o-" + attempts.get()));
                  if (attempts.incrementAndGet() < 3) {
                    throw new IllegalStateException("not yet");
                  }
                }));

    await().until(() -> memory.queueStats("downstream").ready() == 1);
    await().until(() -> memory.queueStats("retrying").total() == 0);
    assertThat(memory.queueStats("downstream").ready()).isEqualTo(1);
  }

  @Test
  void tenThousandBatchedSendsLeaveAsOneTransportCallPerDestination() {
    endpoint("x").build().withoutOutbox().send("fan-out", new Ping(1));

    start(
        endpoint("fan-out")
            .maxBatchMessages(10_000)
            .maxBatchBytes(64 * 1024 * 1024)
            .handler(
                Ping.class,
                (ping, context) -> {
                  for (int i = 0; i < 10_000; i++) {
                    context.send(i % 2 == 0 ? "even" : "odd", new Ping(i));
                  }
                  // nothing left yet: the handler has not succeeded
                  assertThat(transport.callsTo("even")).isEmpty();
                }));

    await().until(() -> memory.queueStats("fan-out").total() == 0);
    assertThat(transport.callsTo("even")).containsExactly(new Call("even", 5_000));
    assertThat(transport.callsTo("odd")).containsExactly(new Call("odd", 5_000));
    assertThat(memory.queueStats("even").ready()).isEqualTo(5_000);
  }

  @Test
  void batchesRespectTheCountLimitPerTransportCall() {
    endpoint("x").build().withoutOutbox().send("chunked", new Ping(1));

    start(
        endpoint("chunked")
            .maxBatchMessages(100)
            .handler(
                Ping.class,
                (ping, context) -> {
                  for (int i = 0; i < 250; i++) {
                    context.send("chunks", new Ping(i));
                  }
                }));

    await().until(() -> memory.queueStats("chunks").ready() == 250);
    assertThat(transport.callsTo("chunks"))
        .extracting(Call::batchSize)
        .containsExactly(100, 100, 50);
  }

  @Test
  void anImmediateSendLeavesAtOnceEvenWhenTheHandlerLaterFails() {
    endpoint("x").build().withoutOutbox().send("audit", new Ping(1));
    AtomicReference<Integer> seenDuringHandler = new AtomicReference<>();

    start(
        endpoint("audit")
            .handler(
                Ping.class,
                (ping, context) -> {
                  context.send("audit-log", new Ping(99), SendOptions.immediate());
                  seenDuringHandler.set(memory.queueStats("audit-log").ready());
                  throw new IllegalStateException("fails after the audit");
                }));

    await().until(() -> memory.queueStats("error").ready() == 1);
    assertThat(seenDuringHandler.get()).isEqualTo(1);
    assertThat(memory.queueStats("audit-log").ready()).isEqualTo(1);
  }

  @Test
  void tenThousandImmediateSendsFromManyThreadsAreBoundedByTheContext() throws Exception {
    int bound = 8;
    CountDownLatch boundReached = new CountDownLatch(bound);
    endpoint("x").build().withoutOutbox().send("burst", new Ping(1));
    transport.beforeSend(() -> {
      // hold the first sends until the bound is reached, so reaching it is certain
      boundReached.countDown();
      try {
        boundReached.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    start(
        endpoint("burst")
            .immediateDispatchConcurrency(bound)
            .handler(
                Ping.class,
                (ping, context) -> {
                  try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> sends = new ArrayList<>();
                    for (int i = 0; i < 10_000; i++) {
                      int n = i;
                      sends.add(
                          threads.submit(() ->
                              context.send("burst-out", new Ping(n), SendOptions.immediate())));
                    }
                    for (Future<?> send : sends) {
                      send.get();
                    }
                  }
                }));

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> memory.queueStats("burst-out").ready() == 10_000);
    assertThat(transport.maxSendsInFlight()).isEqualTo(bound);
  }

  @Test
  void sendingThroughAContextAfterItsHandlerReturnedFails() {
    AtomicReference<Context> leaked = new AtomicReference<>();
    endpoint("x").build().withoutOutbox().send("leaky", new Ping(1));
    start(endpoint("leaky").handler(Ping.class, (ping, context) -> leaked.set(context)));
    await().until(() -> leaked.get() != null && memory.queueStats("leaky").total() == 0);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> leaked.get().send("anywhere", new Ping(2)))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("no longer active");
  }

  @Test
  void aSendWithADelayArrivesOnlyAfterTheDelay() {
    endpoint("x").build().withoutOutbox().send("reminders", new Ping(1));

    start(
        endpoint("reminders")
            .handler(
                Ping.class,
                (ping, context) ->
                    context.send(
                        "later", new Ping(2), SendOptions.delayedBy(Duration.ofHours(1)))));

    await().until(() -> memory.queueStats("later").delayed() == 1);
    clock.advance(Duration.ofMinutes(59));
    assertThat(memory.queueStats("later").ready()).isZero();
    clock.advance(Duration.ofMinutes(1));
    assertThat(memory.queueStats("later").ready()).isEqualTo(1);
  }

  @Test
  void aSendAfterDispatchOutgoingDrainedTheBufferFailsTheMessageInsteadOfBeingLost() {
    endpoint("x").build().withoutOutbox().send("late", new Ping(1));

    start(
        endpoint("late")
            .recoverability(Recoverability.defaults())
            .middleware(p ->
                p.addBefore(
                    Middleware.DESERIALIZE,
                    "sends-too-late",
                    (context, next) -> {
                      next.proceed();
                      context.send("notifications", new Ping(2)); // after the buffer was drained
                    }))
            .handler(Ping.class, (ping, context) -> context.send("downstream", new Ping(3))));

    await().until(() -> memory.queueStats("error").ready() == 1);
    ReceivedMessage parked = Queues.drain(memory, "error").getFirst();
    assertThat(parked.headers())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_UNRECOVERABLE)
        .containsEntry(Headers.EXCEPTION_TYPE, PumpConfigurationException.class.getName());
    assertThat(parked.headers().get(Headers.EXCEPTION_MESSAGE))
        .contains("queue notifications")
        .contains("after the outgoing buffer was drained");
    assertThat(memory.queueStats("notifications").total()).isZero();
  }

  @Test
  void aRetriedAttemptSendsItsMessagesWithTheSameIdsAsTheFailedOne() {
    AtomicInteger attempts = new AtomicInteger();
    endpoint("x").build().withoutOutbox().send("idempotent", new Ping(1));

    start(
        endpoint("idempotent")
            .recoverability(Recoverability.builder().immediateRetries(1).delayedRetries(0).build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  // immediate sends leave on every attempt, like a partly dispatched batch
                  context.send("audit-trail", new Ping(10), SendOptions.immediate());
                  context.send("audit-trail", new Ping(11), SendOptions.immediate());
                  if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("fails once");
                  }
                }));

    await().until(() -> memory.queueStats("audit-trail").ready() == 4);
    List<String> ids =
        Queues.drain(memory, "audit-trail").stream().map(ReceivedMessage::messageId).toList();
    assertThat(ids.get(2)).isEqualTo(ids.get(0));
    assertThat(ids.get(3)).isEqualTo(ids.get(1));
    assertThat(ids.get(0)).isNotEqualTo(ids.get(1));
  }

  @Test
  void sendsFromHandlersOfDifferentMessagesOrOutsideAHandlerGetDifferentIds() {
    Endpoint outside = endpoint("x").build();
    outside
        .withoutOutbox()
        .send("fan", new Ping(1), SendOptions.builder().messageId("in-1").build());
    outside
        .withoutOutbox()
        .send("fan", new Ping(2), SendOptions.builder().messageId("in-2").build());
    outside.withoutOutbox().send("fan-out", new Ping(3));
    outside.withoutOutbox().send("fan-out", new Ping(4));

    start(
        endpoint("fan")
            .handler(
                Ping.class,
                (ping, context) -> {
                  context.send("fan-out", new Ping(ping.number() * 10));
                  context.send(
                      "fan-out",
                      new Ping(ping.number() * 100),
                      SendOptions.builder().messageId("explicit-" + ping.number()).build());
                }));

    await().until(() -> memory.queueStats("fan-out").ready() == 6);
    List<String> ids =
        Queues.drain(memory, "fan-out").stream().map(ReceivedMessage::messageId).toList();
    assertThat(ids).doesNotHaveDuplicates().contains("explicit-1", "explicit-2");
    assertThat(ids.subList(0, 2))
        .allSatisfy(id -> assertThat(UUID.fromString(id).version()).isEqualTo(7));
  }
}
