package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.internal.pump.ForwardingReceivedMessage;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.testing.Queues;
import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How the pump settles messages: at most once, never interrupted, fatal errors aside. */
class SettlingTest extends EndpointTestSupport {
  private static final long STOP_RETURNS_WITHIN_SECONDS = 20;

  /** Every settle call the pump makes, in order, as "call:queue". */
  private final List<String> settles = new CopyOnWriteArrayList<>();

  private void recordSettles() {
    transport.onReceived(message ->
        new ForwardingReceivedMessage(message) {
          @Override
          public boolean completeAndSend(String queue, OutgoingMessage copy) {
            settles.add("completeAndSend:" + queue);
            return super.completeAndSend(queue, copy);
          }

          @Override
          public void complete() {
            settles.add("complete");
            super.complete();
          }

          @Override
          public void abandon(Duration visibilityDelay) {
            settles.add("abandon:" + visibilityDelay);
            super.abandon(visibilityDelay);
          }
        });
  }

  @Test
  void aStackOverflowInAHandlerIsAnOrdinaryFailureThatEndsInTheErrorQueue() {
    AtomicInteger attempts = new AtomicInteger();
    endpoint("x").build().withoutOutbox().send("recursive", new Ping(1));

    start(
        endpoint("recursive")
            .recoverability(Recoverability.builder().immediateRetries(2).delayedRetries(0).build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  throw new StackOverflowError("runaway recursion");
                }));

    await().until(() -> memory.queueStats("error").ready() == 1);
    assertThat(attempts.get()).isEqualTo(3);
    ReceivedMessage parked = Queues.drain(memory, "error").getFirst();
    assertThat(parked.headers())
        .containsEntry(Headers.EXCEPTION_TYPE, StackOverflowError.class.getName())
        .containsEntry(Headers.FAILURE_REASON, Recoverability.REASON_RETRIES_EXHAUSTED);
    assertThat(memory.queueStats("recursive").total()).isZero();
  }

  @Test
  void anotherVirtualMachineErrorGivesTheMessageBackWithADelayInsteadOfSpinning() {
    AtomicInteger attempts = new AtomicInteger();
    endpoint("x").build().withoutOutbox().send("exhausted", new Ping(1));

    start(
        endpoint("exhausted")
            .handler(
                Ping.class,
                (ping, context) -> {
                  if (attempts.incrementAndGet() == 1) {
                    throw new OutOfMemoryError("simulated");
                  }
                }));

    await().until(() -> memory.queueStats("exhausted").delayed() == 1);
    assertThat(attempts.get()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(5));
    await().until(() -> memory.queueStats("exhausted").total() == 0);
    assertThat(attempts.get()).isEqualTo(2);
    assertThat(memory.queueStats("error").total()).isZero();
  }

  @Test
  void aFailedCompleteIsNotFollowedByAnAbandon() {
    AtomicBoolean failComplete = new AtomicBoolean(true);
    transport.onReceived(message ->
        new ForwardingReceivedMessage(message) {
          @Override
          public void complete() {
            settles.add("complete");
            if (failComplete.getAndSet(false)) {
              throw new TransportException("commit failed: connection reset");
            }
            super.complete();
          }

          @Override
          public void abandon(Duration visibilityDelay) {
            settles.add("abandon:" + visibilityDelay);
            super.abandon(visibilityDelay);
          }
        });
    AtomicInteger handled = new AtomicInteger();
    endpoint("x").build().withoutOutbox().send("acked", new Ping(1));

    start(endpoint("acked").handler(Ping.class, (ping, context) -> handled.incrementAndGet()));

    await().until(() -> settles.size() == 1);
    assertThat(memory.queueStats("acked").inFlight()).isEqualTo(1);
    // the transport's lease gives the message back; it is handled again and completes
    clock.advance(Duration.ofDays(1));
    await().until(() -> memory.queueStats("acked").total() == 0);
    assertThat(settles).containsExactly("complete", "complete");
    assertThat(handled.get()).isEqualTo(2);
  }

  @Test
  void aFailedAtomicMoveToTheErrorQueueIsNotFollowedByAnAbandon() {
    transport.onReceived(message ->
        new ForwardingReceivedMessage(message) {
          @Override
          public boolean completeAndSend(String queue, OutgoingMessage copy) {
            settles.add("completeAndSend:" + queue);
            throw new TransportException("commit of the move failed");
          }

          @Override
          public void complete() {
            settles.add("complete");
            super.complete();
          }

          @Override
          public void abandon(Duration visibilityDelay) {
            settles.add("abandon:" + visibilityDelay);
            super.abandon(visibilityDelay);
          }
        });
    endpoint("x").build().withoutOutbox().send("moved", new Ping(1));

    start(
        endpoint("moved")
            .handler(
                Ping.class,
                (ping, context) -> {
                  throw new IllegalStateException("poison");
                }));

    await().until(() -> settles.size() == 1);
    assertThat(settles).containsExactly("completeAndSend:error");
    assertThat(memory.queueStats("moved").inFlight()).isEqualTo(1);
    assertThat(memory.queueStats("error").total()).isZero();
  }

  @Test
  void whenTheErrorQueueCopyCannotBeSentTheUnsettledMessageIsGivenBackWithADelay() {
    recordSettles();
    endpoint("x").build().withoutOutbox().send("unsent", new Ping(1));
    transport.beforeSend(() -> {
      throw new TransportException("error queue unreachable");
    });

    start(
        endpoint("unsent")
            .handler(
                Ping.class,
                (ping, context) -> {
                  throw new IllegalStateException("poison");
                }));

    await().until(() -> memory.queueStats("unsent").delayed() == 1);
    assertThat(settles).containsExactly("completeAndSend:error", "abandon:PT1S");
  }

  @Test
  void stopDoesNotInterruptAThreadThatIsSettlingItsMessage() throws Exception {
    CountDownLatch settling = new CountDownLatch(1);
    CountDownLatch mayFinishSettling = new CountDownLatch(1);
    AtomicBoolean interruptedWhileSettling = new AtomicBoolean();
    transport.onReceived(message ->
        new ForwardingReceivedMessage(message) {
          @Override
          public void complete() {
            settling.countDown();
            try {
              // stands for a commit on the wire, which an interrupt would cut
              mayFinishSettling.await();
            } catch (InterruptedException e) {
              interruptedWhileSettling.set(true);
              Thread.currentThread().interrupt();
            }
            super.complete();
          }
        });
    endpoint("x").build().withoutOutbox().send("committing", new Ping(1));
    Endpoint endpoint =
        start(
            endpoint("committing")
                .cancellationGrace(Duration.ofMillis(100))
                .handler(Ping.class, (ping, context) -> {}));
    settling.await();

    // grace and cancellation grace run out while the message is still settling
    CompletableFuture.runAsync(() -> endpoint.stop(Duration.ofMillis(10)))
        .get(STOP_RETURNS_WITHIN_SECONDS, TimeUnit.SECONDS);
    mayFinishSettling.countDown();

    await().until(() -> memory.queueStats("committing").total() == 0);
    assertThat(interruptedWhileSettling).isFalse();
  }

  @Test
  void theInterruptFlagIsClearedBeforeAMessageIsSettled() {
    AtomicBoolean flagSetDuringComplete = new AtomicBoolean(true);
    transport.onReceived(message ->
        new ForwardingReceivedMessage(message) {
          @Override
          public void complete() {
            flagSetDuringComplete.set(Thread.currentThread().isInterrupted());
            super.complete();
          }
        });
    endpoint("x").build().withoutOutbox().send("flagged", new Ping(1));

    start(
        endpoint("flagged")
            .middleware(p ->
                p.addBefore(
                    Middleware.DESERIALIZE,
                    "observe-flag",
                    (context, next) -> {
                      next.proceed();
                      // a handler that swallowed a cancellation leaves the flag set
                      Thread.currentThread().interrupt();
                    }))
            .handler(Ping.class, (ping, context) -> {}));

    await().until(() -> memory.queueStats("flagged").total() == 0);
    assertThat(flagSetDuringComplete).isFalse();
  }
}
