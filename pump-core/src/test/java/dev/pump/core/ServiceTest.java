package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceTest extends EndpointTestSupport {
  private final List<String> events = new CopyOnWriteArrayList<>();

  /** A part that records when it starts and stops, and with which grace. */
  private class Part implements Lifecycle {
    private final String name;
    private final RuntimeException failOnStart;

    Part(String name) {
      this(name, null);
    }

    Part(String name, RuntimeException failOnStart) {
      this.name = name;
      this.failOnStart = failOnStart;
    }

    @Override
    public void start() {
      if (failOnStart != null) {
        throw failOnStart;
      }
      events.add("start " + name);
    }

    @Override
    public void stop(Duration grace) {
      events.add("stop " + name + " within " + grace.toSeconds() + "s");
    }

    @Override
    public void close() {
      stop(Duration.ZERO);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @Test
  void startsResourcesThenWorkersThenEndpointsAndStopsTheOtherWay() {
    Service service =
        Service.builder()
            .resources(new Part("storage"), new Part("transport"))
            .workers(new Part("dispatcher"), new Part("cleaner"))
            .endpoints(new Part("billing"), new Part("orders"))
            .build();

    service.start();
    service.stop(Duration.ofSeconds(20));

    assertThat(events.subList(0, 6))
        .containsExactly(
            "start storage",
            "start transport",
            "start dispatcher",
            "start cleaner",
            "start billing",
            "start orders");
    // endpoints stop side by side, so in either order, both before any worker
    assertThat(events.subList(6, 8))
        .containsExactlyInAnyOrder("stop billing within 20s", "stop orders within 20s");
    List<String> after = events.subList(8, events.size());
    assertThat(after)
        .hasSize(4)
        .satisfies(stops -> {
          // the workers get what is left of the grace, the resources none
          assertThat(stops.get(0)).matches("stop cleaner within 1[0-9]s");
          assertThat(stops.get(1)).matches("stop dispatcher within 1[0-9]s");
        });
    assertThat(after.subList(2, 4))
        .containsExactly("stop transport within 0s", "stop storage within 0s");
  }

  @Test
  void aPartThatFailsToStartIsStoppedWithWhatStartedAndTheFailureIsThrown() {
    IllegalStateException refused = new IllegalStateException("broker refused");
    Service service =
        Service.builder()
            .resources(new Part("storage"))
            .workers(new Part("dispatcher"), new Part("transport", refused))
            .endpoints(new Part("orders"))
            .build();

    assertThatThrownBy(service::start).isSameAs(refused);

    // the part that failed may have half started: it is stopped too
    assertThat(events)
        .containsExactly(
            "start storage",
            "start dispatcher",
            "stop transport within 0s",
            "stop dispatcher within 0s",
            "stop storage within 0s");
    service.stop(Duration.ofSeconds(1));
    assertThat(events).hasSize(5);
  }

  @Test
  void stopIsIdempotentAndAServiceStartsOnce() {
    Service service = Service.builder().workers(new Part("dispatcher")).build();
    service.start();
    assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class);

    service.stop(Duration.ofSeconds(1));
    service.close();

    assertThat(events).containsExactly("start dispatcher", "stop dispatcher within 1s");
  }

  @Test
  void anEndpointWhoseStopFailsDoesNotKeepTheOthersFromStopping() {
    Part failing =
        new Part("orders") {
          @Override
          public void stop(Duration grace) {
            throw new IllegalStateException("stop failed");
          }
        };
    Service service =
        Service.builder()
            .resources(new Part("storage"))
            .workers(new Part("dispatcher"))
            .endpoints(failing, new Part("billing"))
            .build();
    service.start();

    service.stop(Duration.ofSeconds(2));

    assertThat(events)
        .contains("stop billing within 2s", "stop storage within 0s")
        .anyMatch(event -> event.startsWith("stop dispatcher within"));
  }

  @Test
  void aPartGivenTwiceIsRefusedAtBuild() {
    Part dispatcher = new Part("dispatcher");
    assertThatThrownBy(() -> Service.builder().workers(dispatcher).endpoints(dispatcher).build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("dispatcher is given twice");
  }

  @Test
  void workersStopOnlyAfterTheEndpointsFinishedTheirMessagesInFlight() throws Exception {
    CountDownLatch handling = new CountDownLatch(1);
    AtomicInteger handled = new AtomicInteger();
    Endpoint orders =
        endpoint("orders")
            .handler(
                Ping.class,
                (ping, context) -> {
                  handling.countDown();
                  Thread.sleep(300);
                  handled.incrementAndGet();
                })
            .build();
    Lifecycle dispatcher =
        new Part("dispatcher") {
          @Override
          public void stop(Duration grace) {
            events.add("dispatcher stops after " + handled.get() + " handled");
          }
        };
    Service service = Service.builder().workers(dispatcher).endpoints(orders).build();
    service.start();
    orders.withoutOutbox().send("orders", new Ping(1));
    handling.await();

    service.stop(Duration.ofSeconds(10));

    assertThat(orders.state()).isEqualTo(Endpoint.State.STOPPED);
    assertThat(events).containsExactly("start dispatcher", "dispatcher stops after 1 handled");
    await().until(() -> memory.queueStats("orders").total() == 0);
  }

  @Test
  void anEndpointIsNotASenderSoCodeOutsideAHandlerCannotSkipTheOutboxByAccident() {
    assertThat(MessageSender.class.isAssignableFrom(Endpoint.class)).isFalse();
    assertThat(Lifecycle.class.isAssignableFrom(Endpoint.class)).isTrue();
  }
}
