package dev.pump.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.internal.pump.ForwardingReceivedMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
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
      sender.withoutOutbox().send("flood", new Ping(i));
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
    int limit = 2;
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger handled = new AtomicInteger();
    List<String> violations = new CopyOnWriteArrayList<>();
    Endpoint sender = endpoint("permits-sender").build();
    for (int i = 0; i < 10; i++) {
      sender.withoutOutbox().send("permits", new Ping(i));
    }
    // Every running handler holds a permit until its message is settled, so a receive that starts
    // while `limit` handlers run was started without a permit.
    transport.beforeReceive(() -> {
      if (running.get() >= limit) {
        violations.add("a receive started while " + running.get() + " handlers held the permits");
      }
    });

    start(
        endpoint("permits")
            .concurrency(limit)
            .handler(
                Ping.class,
                (ping, context) -> {
                  running.incrementAndGet();
                  try {
                    release.await();
                  } finally {
                    running.decrementAndGet();
                  }
                  handled.incrementAndGet();
                }));

    await().until(() -> running.get() == limit);
    // the receiver is parked waiting for a permit, not in a receive for a message it cannot run
    await().until(() -> receiverIsWaitingForAPermit("permits"));
    assertThat(memory.queueStats("permits").inFlight()).isEqualTo(limit);
    assertThat(memory.queueStats("permits").ready()).isEqualTo(10 - limit);
    release.countDown();
    await().until(() -> handled.get() == 10 && memory.queueStats("permits").total() == 0);
    assertThat(violations).isEmpty();
  }

  private static boolean receiverIsWaitingIn(String endpoint, String className) {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().equals("pump-" + endpoint + "-receiver"))
        .anyMatch(e ->
            (e.getKey().getState() == Thread.State.WAITING
                    || e.getKey().getState() == Thread.State.TIMED_WAITING)
                && Arrays.stream(e.getValue())
                    .anyMatch(frame -> frame.getClassName().equals(className)));
  }

  private static boolean receiverIsWaitingForAPermit(String endpoint) {
    return receiverIsWaitingIn(endpoint, Semaphore.class.getName());
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
        new ForwardingReceivedMessage(message) {
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
      sender.withoutOutbox().send("survivor", new Ping(i));
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
    // the message whose complete failed is not abandoned after it (the first settle call wins):
    // it stays leased until the transport's lease runs out, then comes back and completes
    await().until(() -> memory.queueStats("survivor").inFlight() == 1);
    assertThat(memory.queueStats("survivor").total()).isEqualTo(1);
    clock.advance(Duration.ofDays(1));
    await().until(() -> memory.queueStats("survivor").total() == 0);
  }

  @Test
  void aRedeliveredMessageRunsAloneSoAProcessItKillsTakesNothingElseDown() throws Exception {
    int limit = 4;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger handled = new AtomicInteger();
    List<String> violations = new CopyOnWriteArrayList<>();
    // Ping -1's earlier delivery died with its process: it comes again between others.
    transport.onReceived(redeliveredIf("{\"number\":-1}"));
    Endpoint sender = endpoint("alone-sender").build();
    for (int i = 0; i < 60; i++) {
      sender.withoutOutbox().send("alone", new Ping(i == 30 ? -1 : i));
    }

    start(
        endpoint("alone")
            .concurrency(limit)
            .handler(
                Ping.class,
                (ping, context) -> {
                  int now = running.incrementAndGet();
                  maxRunning.accumulateAndGet(now, Math::max);
                  try {
                    if (ping.number() == -1 && now != 1) {
                      violations.add("the redelivered message started beside " + (now - 1));
                    }
                    Thread.sleep(5);
                    if (ping.number() == -1 && running.get() != 1) {
                      violations.add("a message started beside the redelivered one");
                    }
                  } finally {
                    running.decrementAndGet();
                  }
                  handled.incrementAndGet();
                }));

    await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() == 60);
    assertThat(violations).isEmpty();
    assertThat(maxRunning.get()).as("the others still run side by side").isGreaterThan(1);
  }

  @Test
  void aRedeliveredMessageRunsAloneInTheWholeProcessNotJustItsEndpoint() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger handled = new AtomicInteger();
    List<String> violations = new CopyOnWriteArrayList<>();
    transport.onReceived(redeliveredIf("{\"number\":-1}"));
    Endpoint sender = endpoint("process-sender").build();
    for (int i = 0; i < 400; i++) {
      sender.withoutOutbox().send("busy", new Ping(i));
    }
    start(
        endpoint("busy")
            .handler(
                Ping.class,
                (ping, context) -> {
                  running.incrementAndGet();
                  try {
                    Thread.sleep(5);
                  } finally {
                    running.decrementAndGet();
                  }
                  handled.incrementAndGet();
                }));
    await().until(() -> handled.get() > 0);
    // a message of another endpoint in the same process comes back after a crash
    sender.withoutOutbox().send("suspect", new Ping(-1));
    start(
        endpoint("suspect")
            .handler(
                Ping.class,
                (ping, context) -> {
                  if (running.get() != 0) {
                    violations.add("started beside " + running.get() + " messages of busy");
                  }
                  Thread.sleep(20);
                  if (running.get() != 0) {
                    violations.add("busy received while it ran");
                  }
                  handled.incrementAndGet();
                }));

    await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() == 401);
    assertThat(violations).isEmpty();
  }

  @Test
  void stopWhileARedeliveredMessageWaitsForTheOthersGivesItBack() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    transport.onReceived(redeliveredIf("{\"number\":2}"));
    Endpoint sender = endpoint("waiting-sender").build();
    sender.withoutOutbox().send("waiting", new Ping(3));
    sender.withoutOutbox().send("waiting", new Ping(2));

    Endpoint waiting =
        start(
            endpoint("waiting")
                .concurrency(2)
                .handler(
                    Ping.class,
                    (ping, context) -> {
                      started.incrementAndGet();
                      if (ping.number() == 3) {
                        release.await();
                      }
                    }));
    // ping 3 (first delivery) holds a permit; the redelivered ping 2 waits for it
    await().until(() -> memory.queueStats("waiting").inFlight() == 2);
    await()
        .until(() -> receiverIsWaitingIn("waiting", "dev.pump.core.internal.pump.RedeliveryGate"));
    assertThat(started.get()).as("only ping 3 runs").isEqualTo(1);

    // stop while ping 3 still runs: the receiver stops waiting and gives ping 2 back unhandled
    Thread stopper = Thread.ofVirtual().start(() -> waiting.stop(Duration.ofSeconds(5)));
    await().until(() -> memory.queueStats("waiting").ready() == 1);
    release.countDown();
    stopper.join();
    assertThat(started.get()).isEqualTo(1);
    assertThat(memory.queueStats("waiting").inFlight()).isZero();
    assertThat(memory.queueStats("waiting").ready()).isEqualTo(1);
  }

  // Marks one message as delivered before, as after a crash.
  private static java.util.function.UnaryOperator<ReceivedMessage> redeliveredIf(String body) {
    return message ->
        new String(message.body(), UTF_8).equals(body)
            ? new ForwardingReceivedMessage(message) {
              @Override
              public int deliveryCount() {
                return message.deliveryCount() + 1;
              }
            }
            : message;
  }
}
