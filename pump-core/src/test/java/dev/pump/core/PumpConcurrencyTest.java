package dev.pump.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.testing.TestMessages.Ping;
import dev.pump.core.transport.ReceivedMessage;
import dev.pump.core.transport.TransportException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PumpConcurrencyTest extends EndpointTestSupport {

  @Test
  void aFloodOfTenThousandMessagesNeverRunsMoreHandlersAtOnceThanTheLimitAndReachesIt()
      throws Exception {
    int limit = 8;
    int messages = 10_000;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger handled = new AtomicInteger();
    CountDownLatch limitReached = new CountDownLatch(1);
    Endpoint sender = endpoint("flood-sender").build();
    for (int i = 0; i < messages; i++) {
      sender.send("flood", new Ping(i));
    }

    start(
        endpoint("flood")
            .concurrency(limit)
            .handler(
                Ping.class,
                (ping, context) -> {
                  int now = running.incrementAndGet();
                  maxRunning.accumulateAndGet(now, Math::max);
                  if (now == limit) {
                    limitReached.countDown();
                  }
                  // hold the first handlers until the limit is reached, so reaching it is certain
                  limitReached.await(10, TimeUnit.SECONDS);
                  running.decrementAndGet();
                  handled.incrementAndGet();
                }));

    await().atMost(Duration.ofSeconds(60)).until(() -> handled.get() == messages);
    assertThat(maxRunning.get()).isEqualTo(limit);
  }

  @Test
  void aPermitIsTakenBeforeEachReceiveSoNoMoreMessagesAreTakenThanCanRun() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    Endpoint sender = endpoint("permits-sender").build();
    for (int i = 0; i < 10; i++) {
      sender.send("permits", new Ping(i));
    }

    start(
        endpoint("permits")
            .concurrency(2)
            .handler(
                Ping.class,
                (ping, context) -> {
                  started.incrementAndGet();
                  release.await();
                }));

    await().until(() -> started.get() == 2);
    // the receiver is waiting for a permit, not holding a third message it cannot run
    await().until(() -> transport.receiveAttempts() >= 2);
    assertThat(memory.queueStats("permits").inFlight()).isEqualTo(2);
    assertThat(memory.queueStats("permits").ready()).isEqualTo(8);
    release.countDown();
    await().until(() -> memory.queueStats("permits").total() == 0);
  }

  @Test
  void thePumpSurvivesHandlerFailuresSettleFailuresAndReceiveFailures() throws Exception {
    Set<Integer> handled = ConcurrentHashMap.newKeySet();
    AtomicInteger receiveFailuresLeft = new AtomicInteger(3);
    AtomicInteger completeFailuresLeft = new AtomicInteger(1);
    transport.beforeReceive(() -> {
      if (receiveFailuresLeft.getAndDecrement() > 0) {
        throw new TransportException("flaky receive");
      }
    });
    transport.onReceived(message ->
        new ForwardingMessage(message) {
          @Override
          public void complete() {
            boolean pingOne = new String(body(), UTF_8).equals("{\"number\":1}");
            if (pingOne && completeFailuresLeft.getAndDecrement() > 0) {
              throw new TransportException("flaky complete");
            }
            super.complete();
          }
        });
    Endpoint sender = endpoint("survivor-sender").build();
    for (int i = 0; i < 20; i++) {
      sender.send("survivor", new Ping(i));
    }

    start(
        endpoint("survivor")
            .receiveBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .handler(
                Ping.class,
                (ping, context) -> {
                  if (ping.number() % 5 == 0) {
                    throw new IllegalStateException("handler bug for " + ping.number());
                  }
                  handled.add(ping.number());
                }));

    await().until(() -> handled.size() == 16);
    // the four poisoned messages are parked, none is lost
    await().until(() -> memory.queueStats("error").ready() == 4);
    // the message whose complete failed was given back with a delay, and comes back after it
    await().until(() -> memory.queueStats("survivor").delayed() == 1);
    clock.advance(Duration.ofSeconds(1));
    await().until(() -> memory.queueStats("survivor").total() == 0);
  }

  /** Delegates everything; tests override what they want to break. */
  static class ForwardingMessage implements ReceivedMessage {
    private final ReceivedMessage delegate;

    ForwardingMessage(ReceivedMessage delegate) {
      this.delegate = delegate;
    }

    @Override
    public String messageId() {
      return delegate.messageId();
    }

    @Override
    public String queue() {
      return delegate.queue();
    }

    @Override
    public Map<String, String> headers() {
      return delegate.headers();
    }

    @Override
    public byte[] body() {
      return delegate.body();
    }

    @Override
    public int deliveryCount() {
      return delegate.deliveryCount();
    }

    @Override
    public void contributeAttributes(Attributes attributes) {
      delegate.contributeAttributes(attributes);
    }

    @Override
    public void complete() {
      delegate.complete();
    }

    @Override
    public void abandon(Duration visibilityDelay) {
      delegate.abandon(visibilityDelay);
    }
  }
}
