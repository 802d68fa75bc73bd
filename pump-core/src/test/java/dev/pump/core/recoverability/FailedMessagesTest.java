package dev.pump.core.recoverability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.Headers;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.testing.ForwardingTransport;
import dev.pump.core.testing.MutableClock;
import dev.pump.core.testing.Queues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FailedMessagesTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final InMemoryTransport memory =
      InMemoryTransport.builder().clock(clock).leaseTimeout(Duration.ofDays(1)).build();

  @AfterEach
  void closeTransport() {
    memory.close();
  }

  private OutgoingMessage parked(String id, String failedQueue) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Headers.MESSAGE_ID, id);
    if (failedQueue != null) {
      headers.put(Headers.FAILED_QUEUE, failedQueue);
    }
    headers.put(Headers.FAILURE_REASON, Recoverability.REASON_RETRIES_EXHAUSTED);
    headers.put(Headers.TIME_OF_FAILURE, clock.instant().toString());
    return OutgoingMessage.of(id, headers, "{}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void retryAllEndsAndMovesEachMessageOnceWhenTheFaultPersists() throws Exception {
    // every message moved back fails again at once and is parked anew: the fault persists
    AtomicInteger movedBack = new AtomicInteger();
    Transport stillBroken =
        new ForwardingTransport(memory) {
          @Override
          public void send(String queue, List<OutgoingMessage> batch) {
            if (!queue.equals("orders")) {
              memory.send(queue, batch);
              return;
            }
            movedBack.addAndGet(batch.size());
            List<OutgoingMessage> failedAgain = new ArrayList<>();
            for (OutgoingMessage m : batch) {
              failedAgain.add(parked(m.messageId(), "orders"));
            }
            memory.send("error", failedAgain);
          }
        };
    memory.send(
        "error", List.of(parked("a", "orders"), parked("b", "orders"), parked("c", "orders")));

    int moved =
        CompletableFuture.supplyAsync(
                () -> FailedMessages.of(stillBroken, "error", clock).retryAll(),
                task -> Thread.ofPlatform().daemon().start(task))
            .get(20, TimeUnit.SECONDS);

    assertThat(moved).isEqualTo(3);
    assertThat(movedBack.get()).isEqualTo(3);
    assertThat(memory.queueStats("error").ready()).isEqualTo(3);
  }

  @Test
  void aScanHoldsNoMessageItPassesOverAndLeavesThemInTheErrorQueue() {
    List<Integer> leasedAtEachReceive = new ArrayList<>();
    Transport observed =
        new ForwardingTransport(memory) {
          @Override
          public Optional<ReceivedMessage> receive(String queue, Duration maxWait)
              throws InterruptedException {
            leasedAtEachReceive.add(memory.queueStats(queue).inFlight());
            return memory.receive(queue, maxWait);
          }
        };
    memory.send(
        "error",
        List.of(
            parked("other-1", "orders"),
            parked("foreign", null),
            parked("other-2", "orders"),
            parked("wanted", "orders")));

    boolean found = FailedMessages.of(observed, "error", clock).retry("wanted");

    assertThat(found).isTrue();
    assertThat(leasedAtEachReceive).allMatch(leased -> leased == 0);
    assertThat(Queues.drain(memory, "orders"))
        .extracting(ReceivedMessage::messageId)
        .containsExactly("wanted");
    assertThat(Queues.drain(memory, "error"))
        .extracting(ReceivedMessage::messageId)
        .containsExactlyInAnyOrder("other-1", "foreign", "other-2");
  }

  @Test
  void retryOfAMissingIdScansTheErrorQueueOnceAndChangesNothing() {
    memory.send("error", List.of(parked("one", "orders"), parked("two", "orders")));

    boolean found = FailedMessages.of(memory, "error", clock).retry("missing");

    assertThat(found).isFalse();
    assertThat(memory.queueStats("error")).isEqualTo(new InMemoryTransport.QueueStats(2, 0, 0));
    assertThat(memory.queueStats("orders").total()).isZero();
  }

  @Test
  void retryAllStopsAtAMessageParkedAfterTheScanBegan() {
    memory.send("error", List.of(parked("old", "orders")));
    clock.advance(Duration.ofMinutes(1));
    memory.send("error", List.of(parked("new", "orders")));
    clock.advance(Duration.ofMinutes(-1));

    int moved = FailedMessages.of(memory, "error", clock).retryAll();

    assertThat(moved).isEqualTo(1);
    assertThat(Queues.drain(memory, "orders"))
        .extracting(ReceivedMessage::messageId)
        .containsExactly("old");
    assertThat(memory.queueStats("error").ready()).isEqualTo(1);
  }
}
