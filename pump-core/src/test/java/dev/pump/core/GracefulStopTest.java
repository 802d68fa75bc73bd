package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class GracefulStopTest extends EndpointTestSupport {
  // Generous bounds that only fail if stop hangs; they measure nothing.
  private static final long STOP_RETURNS_WITHIN_SECONDS = 20;

  private void sendPings(String queue, int count) {
    Endpoint sender = endpoint(queue + "-sender").build();
    for (int i = 0; i < count; i++) {
      sender.withoutOutbox().send(queue, new Ping(i));
    }
  }

  @Test
  void stopWaitsForSlowHandlersThatFinishWithinTheGraceAndNothingIsRedelivered() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    sendPings("slow", 4);
    Endpoint endpoint =
        start(
            endpoint("slow")
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      started.incrementAndGet();
                      release.await();
                      finished.incrementAndGet();
                    }));
    await().until(() -> started.get() == 4);

    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(() -> endpoint.stop(Duration.ofSeconds(30)));
    await().until(() -> endpoint.state() == Endpoint.State.STOPPING);
    release.countDown();
    stopping.get(STOP_RETURNS_WITHIN_SECONDS, TimeUnit.SECONDS);

    assertThat(finished.get()).isEqualTo(4);
    assertThat(started.get()).isEqualTo(4);
    assertThat(memory.queueStats("slow").total()).isZero();
    assertThat(endpoint.state()).isEqualTo(Endpoint.State.STOPPED);
  }

  @Test
  void stopCancelsHandlersThatOutlastTheGraceAndTheirMessagesComeBackOnTheNextStart()
      throws Exception {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    sendPings("stuck", 4);
    Endpoint first =
        start(
            endpoint("stuck")
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      started.incrementAndGet();
                      try {
                        Thread.sleep(Duration.ofHours(1));
                      } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        throw e;
                      }
                    }));
    await().until(() -> started.get() == 4);

    CompletableFuture.runAsync(() -> first.stop(Duration.ofMillis(100)))
        .get(STOP_RETURNS_WITHIN_SECONDS, TimeUnit.SECONDS);

    assertThat(interrupted.get()).isEqualTo(4);
    assertThat(memory.queueStats("stuck").ready()).isEqualTo(4);
    assertThat(memory.queueStats("error").total()).isZero();
    Set<Integer> handledLater = ConcurrentHashMap.newKeySet();
    start(
        endpoint("stuck").handler(Ping.class, (ping, context) -> handledLater.add(ping.number())));
    await().until(() -> handledLater.size() == 4);
  }

  @Test
  void stopWhileIdleReturnsAtOnce() throws Exception {
    Endpoint endpoint =
        start(
            endpoint("idle").receiveWait(Duration.ofMinutes(5)).handler(Ping.class, (p, c) -> {}));
    await().until(() -> transport.receiveAttempts() == 1);

    // a grace of an hour, yet stop returns: nothing was in flight, and the receive was interrupted
    CompletableFuture.runAsync(() -> endpoint.stop(Duration.ofHours(1)))
        .get(STOP_RETURNS_WITHIN_SECONDS, TimeUnit.SECONDS);

    assertThat(endpoint.state()).isEqualTo(Endpoint.State.STOPPED);
  }

  @Test
  void aMessageReceivedAfterStopBeganIsNotStartedAndStaysInTheQueue() throws Exception {
    CountDownLatch receiveMayProceed = new CountDownLatch(1);
    CountDownLatch receiving = new CountDownLatch(1);
    AtomicInteger handled = new AtomicInteger();
    transport.beforeReceive(() -> {
      receiving.countDown();
      // a receive that ignores interrupts, like a driver call already on the wire
      boolean done = false;
      while (!done) {
        try {
          receiveMayProceed.await();
          done = true;
        } catch (InterruptedException ignored) {
          // keep waiting, as a non-interruptible receive would
        }
      }
      // the stop's interrupt was swallowed, as such a call would; the message arrives now
    });
    Endpoint endpoint =
        start(endpoint("late").handler(Ping.class, (ping, context) -> handled.incrementAndGet()));
    receiving.await();
    sendPings("late", 1);

    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(() -> endpoint.stop(Duration.ofSeconds(30)));
    await().until(() -> endpoint.state() == Endpoint.State.STOPPING);
    transport.beforeReceive(() -> {});
    receiveMayProceed.countDown();
    stopping.get(STOP_RETURNS_WITHIN_SECONDS, TimeUnit.SECONDS);

    assertThat(handled.get()).isZero();
    assertThat(memory.queueStats("late").ready()).isEqualTo(1);
  }

  @Test
  void stopReturnsEvenWhenAHandlerIgnoresCancellation() throws Exception {
    Semaphore neverReleased = new Semaphore(0);
    AtomicInteger started = new AtomicInteger();
    sendPings("stubborn", 1);
    Endpoint endpoint =
        start(
            endpoint("stubborn")
                .cancellationGrace(Duration.ofMillis(100))
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      started.incrementAndGet();
                      neverReleased.acquireUninterruptibly();
                    }));
    await().until(() -> started.get() == 1);

    CompletableFuture.runAsync(() -> endpoint.stop(Duration.ofMillis(100)))
        .get(STOP_RETURNS_WITHIN_SECONDS, TimeUnit.SECONDS);

    assertThat(endpoint.state()).isEqualTo(Endpoint.State.STOPPED);
    assertThat(memory.queueStats("stubborn").inFlight()).isEqualTo(1); // not lost: still leased
    neverReleased.release();
  }

  @Test
  void aHandlerThatIgnoresCancellationAndReturnsAfterStopDoesNotSettleItsMessageAsHandled()
      throws Exception {
    Semaphore release = new Semaphore(0);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger returned = new AtomicInteger();
    sendPings("late", 1);
    Endpoint endpoint =
        start(
            endpoint("late")
                .cancellationGrace(Duration.ofMillis(100))
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      started.incrementAndGet();
                      release.acquireUninterruptibly();
                      returned.incrementAndGet();
                    }));
    await().until(() -> started.get() == 1);
    CompletableFuture.runAsync(() -> endpoint.stop(Duration.ofMillis(100)))
        .get(STOP_RETURNS_WITHIN_SECONDS, TimeUnit.SECONDS);

    release.release(); // the handler returns normally, after stop returned
    await().until(() -> returned.get() == 1);

    // given back, not completed: it is still in its queue and no longer leased
    await().until(() -> memory.queueStats("late").inFlight() == 0);
    assertThat(memory.queueStats("late").total()).isEqualTo(1);
  }

  @Test
  void aHandlerThatPollsTheCancellationSignalSeesItWhenGraceRunsOut() throws Exception {
    AtomicInteger sawCancellation = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    sendPings("polling", 1);
    Endpoint endpoint =
        start(
            endpoint("polling")
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      started.incrementAndGet();
                      while (!context.cancellation().isCancelled()) {
                        LockSupport.parkNanos(1_000_000); // stands for a slice of computation
                      }
                      sawCancellation.incrementAndGet();
                      context.cancellation().throwIfCancelled();
                    }));
    await().until(() -> started.get() == 1);

    endpoint.stop(Duration.ofMillis(50));

    assertThat(sawCancellation.get()).isEqualTo(1);
    assertThat(memory.queueStats("polling").ready()).isEqualTo(1);
  }

  @Test
  void stopIsIdempotentAndSafeToCallFromManyThreadsAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    sendPings("many-stops", 2);
    Endpoint endpoint =
        start(
            endpoint("many-stops")
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      started.incrementAndGet();
                      release.await();
                    }));
    await().until(() -> started.get() == 2);

    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      stops.add(CompletableFuture.runAsync(() -> endpoint.stop(Duration.ofSeconds(30))));
    }
    await().until(() -> endpoint.state() == Endpoint.State.STOPPING);
    release.countDown();
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
        .get(STOP_RETURNS_WITHIN_SECONDS, TimeUnit.SECONDS);
    endpoint.stop(Duration.ofSeconds(30));
    endpoint.close();

    assertThat(endpoint.state()).isEqualTo(Endpoint.State.STOPPED);
    assertThat(memory.queueStats("many-stops").total()).isZero();
  }

  @Test
  void stopCalledFromAHandlerStopsTheEndpointWithoutWaitingForItself() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    // the handler may run before start() returns: it waits for the endpoint to be known
    CompletableFuture<Endpoint> self = new CompletableFuture<>();
    sendPings("self-stop", 1);
    Endpoint endpoint =
        start(
            endpoint("self-stop")
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      self.join().stop(Duration.ofSeconds(30));
                      handled.incrementAndGet();
                    }));

    self.complete(endpoint);

    await().until(() -> endpoint.state() == Endpoint.State.STOPPED);
    assertThat(handled.get()).isEqualTo(1);
    assertThat(memory.queueStats("self-stop").total()).isZero();
  }

  @Test
  void anEndpointStartsOnlyOnce() {
    Endpoint endpoint = start(endpoint("once").handler(Ping.class, (p, c) -> {}));
    endpoint.stop(Duration.ofSeconds(1));

    assertThatThrownBy(endpoint::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("once");
  }

  @Test
  void stoppingAnEndpointThatNeverStartedReturnsAtOnce() {
    Endpoint endpoint = endpoint("never").handler(Ping.class, (p, c) -> {}).build();

    endpoint.close();

    assertThat(endpoint.state()).isEqualTo(Endpoint.State.STOPPED);
  }

  @Test
  void aStopWhileTheEndpointIsStartingWaitsForTheStartAndThenStopsIt() throws Exception {
    CountDownLatch creatingQueues = new CountDownLatch(1);
    CountDownLatch mayCreateQueues = new CountDownLatch(1);
    transport.beforeCreateQueue(() -> {
      creatingQueues.countDown();
      try {
        mayCreateQueues.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Endpoint endpoint = endpoint("slow-start").handler(Ping.class, (p, c) -> {}).build();
    // own threads, not the common pool: a blocked start must not starve other tests
    Executor ownThread = task -> Thread.ofPlatform().daemon().start(task);
    CompletableFuture<Void> starting = CompletableFuture.runAsync(endpoint::start, ownThread);
    CompletableFuture<Void> stopping;
    try {
      creatingQueues.await();
      assertThat(endpoint.state()).isEqualTo(Endpoint.State.STARTING);

      stopping = CompletableFuture.runAsync(() -> endpoint.stop(Duration.ofSeconds(30)), ownThread);
      await().until(() -> endpoint.state() == Endpoint.State.STOPPING);
    } finally {
      mayCreateQueues.countDown();
    }

    starting.get(STOP_RETURNS_WITHIN_SECONDS, TimeUnit.SECONDS);
    stopping.get(STOP_RETURNS_WITHIN_SECONDS, TimeUnit.SECONDS);
    assertThat(endpoint.state()).isEqualTo(Endpoint.State.STOPPED);
    sendPings("slow-start", 1);
    assertThat(memory.queueStats("slow-start").ready()).isEqualTo(1);
  }
}
