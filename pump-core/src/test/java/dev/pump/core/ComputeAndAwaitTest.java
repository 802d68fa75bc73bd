package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ComputeAndAwaitTest extends EndpointTestSupport {

  @Test
  void offloadedComputeRunsOnTheBoundedPlatformPoolWhileThePumpKeepsHandlingMessages()
      throws Exception {
    CountDownLatch computeMayFinish = new CountDownLatch(1);
    Set<String> computeThreads = ConcurrentHashMap.newKeySet();
    AtomicInteger computing = new AtomicInteger();
    AtomicInteger maxComputing = new AtomicInteger();
    AtomicInteger quickHandled = new AtomicInteger();
    AtomicInteger heavyDone = new AtomicInteger();
    Endpoint sender = endpoint("x").build();
    sender.withoutOutbox().send("compute", new Ping(-1));
    sender.withoutOutbox().send("compute", new Ping(-2));

    start(
        endpoint("compute")
            .concurrency(4)
            .computeThreads(1)
            .handler(
                Ping.class,
                (ping, context) -> {
                  if (ping.number() >= 0) {
                    quickHandled.incrementAndGet();
                    return;
                  }
                  long result =
                      context.compute(() -> {
                        Thread me = Thread.currentThread();
                        assertThat(me.isVirtual()).isFalse();
                        computeThreads.add(me.getName());
                        maxComputing.accumulateAndGet(computing.incrementAndGet(), Math::max);
                        computeMayFinish.await(); // stands for seconds of number crunching
                        computing.decrementAndGet();
                        return 42L;
                      });
                  assertThat(result).isEqualTo(42L);
                  heavyDone.incrementAndGet();
                }));
    await().until(() -> computing.get() == 1);

    for (int i = 0; i < 20; i++) {
      sender.withoutOutbox().send("compute", new Ping(i));
    }

    await().until(() -> quickHandled.get() == 20);
    assertThat(heavyDone.get()).isZero();
    computeMayFinish.countDown();
    await().until(() -> heavyDone.get() == 2);
    assertThat(maxComputing.get()).isEqualTo(1);
    assertThat(computeThreads).allMatch(name -> name.startsWith("pump-compute-compute-"));
  }

  @Test
  void stopInterruptsOffloadedComputeAndTheMessageComesBack() {
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    endpoint("x").build().withoutOutbox().send("long-compute", new Ping(1));
    Endpoint endpoint =
        start(
            endpoint("long-compute")
                .computeThreads(1)
                .handler(
                    Ping.class,
                    (ping, context) ->
                        context.compute(() -> {
                          started.incrementAndGet();
                          try {
                            Thread.sleep(Duration.ofHours(1));
                          } catch (InterruptedException e) {
                            interrupted.incrementAndGet();
                            throw e;
                          }
                          return null;
                        })));
    await().until(() -> started.get() == 1);

    endpoint.stop(Duration.ofMillis(50));

    await().until(() -> interrupted.get() == 1);
    assertThat(memory.queueStats("long-compute").ready()).isEqualTo(1);
    assertThat(memory.queueStats("error").total()).isZero();
  }

  @Test
  void awaitReturnsTheValueACallbackStyleApiCompletes() {
    AtomicReference<String> result = new AtomicReference<>();
    endpoint("x").build().withoutOutbox().send("callback", new Ping(1));

    start(
        endpoint("callback")
            .handler(
                Ping.class,
                (ping, context) -> {
                  CompletableFuture<String> answer = new CompletableFuture<>();
                  legacyClient(value -> answer.complete(value));
                  result.set(context.await(answer, Duration.ofSeconds(30)));
                }));

    await().until(() -> "pong".equals(result.get()));
  }

  private static void legacyClient(java.util.function.Consumer<String> callback) {
    Thread.ofPlatform().start(() -> callback.accept("pong"));
  }

  @Test
  void awaitGivesUpAfterItsTimeoutAndCancelsTheFuture() {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CompletableFuture<String> never = new CompletableFuture<>();
    endpoint("x").build().withoutOutbox().send("slow-callback", new Ping(1));

    start(
        endpoint("slow-callback")
            .handler(
                Ping.class,
                (ping, context) -> {
                  try {
                    context.await(never, Duration.ofMillis(20));
                  } catch (TimeoutException e) {
                    failure.set(e);
                  }
                }));

    await().until(() -> failure.get() != null);
    assertThat(failure.get()).isInstanceOf(TimeoutException.class);
    assertThat(never).isCancelled();
  }

  @Test
  void awaitEndsWhenTheMessageIsCancelledByStop() {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CompletableFuture<String> never = new CompletableFuture<>();
    AtomicInteger waiting = new AtomicInteger();
    endpoint("x").build().withoutOutbox().send("cancelled-callback", new Ping(1));
    Endpoint endpoint =
        start(
            endpoint("cancelled-callback")
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      try {
                        waiting.incrementAndGet();
                        context.await(never, Duration.ofHours(1));
                      } catch (Exception e) {
                        failure.set(e);
                        throw e;
                      }
                    }));
    await().until(() -> waiting.get() == 1);

    endpoint.stop(Duration.ofMillis(50));

    await().until(() -> failure.get() != null);
    assertThat(failure.get())
        .isInstanceOfAny(CancellationException.class, InterruptedException.class);
    assertThat(never).isCancelled();
    assertThat(memory.queueStats("cancelled-callback").ready()).isEqualTo(1);
  }
}
