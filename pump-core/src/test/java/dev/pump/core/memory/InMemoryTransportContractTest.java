package dev.pump.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportContractTest;
import dev.pump.core.spi.TransportException;
import dev.pump.core.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transport contract on the in-memory transport, plus what only it promises. */
class InMemoryTransportContractTest extends TransportContractTest {
  private final MutableClock clock = MutableClock.startingNow();

  @Override
  protected Transport createTransport() {
    return InMemoryTransport.builder()
        .clock(clock)
        .leaseTimeout(Duration.ofMinutes(1))
        .maxMessageBytes(2 * 1024 * 1024)
        .build();
  }

  @Override
  protected void passTime(Duration duration) {
    clock.advance(duration);
  }

  @Override
  protected void loseReceiver(ReceivedMessage received) {
    clock.advance(Duration.ofMinutes(1)); // the lease runs out
  }

  @Override
  protected Duration delayedDeliveryDelay() {
    return Duration.ofHours(1); // on a movable clock, an hour costs nothing
  }

  @Test
  void aMessageWhoseLeaseExpiresUnsettledIsDeliveredAgain() throws Exception {
    String queue = queue();
    transport.send(queue, List.of(message("crashed", "x")));
    ReceivedMessage first = receive(queue);

    clock.advance(Duration.ofMinutes(1));

    ReceivedMessage second = receive(queue);
    assertThat(second.messageId()).isEqualTo("crashed");
    assertThat(second.deliveryCount()).isEqualTo(2);
    first.complete(); // a late settle of the expired lease does not remove the redelivery
    assertThat(((InMemoryTransport) transport).queueStats(queue).inFlight()).isEqualTo(1);
    second.complete();
    assertThat(((InMemoryTransport) transport).queueStats(queue).total()).isZero();
  }

  @Test
  void aMessageLargerThanTheLimitIsRefusedNamingItsId() {
    byte[] body = new byte[2 * 1024 * 1024 + 1];
    assertThatThrownBy(
            () -> transport.send(queue(), List.of(OutgoingMessage.of("huge", Map.of(), body))))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("huge");
  }

  @Test
  void aClosedTransportFailsEveryCall() {
    String queue = queue();
    transport.close();

    assertThatThrownBy(() -> transport.receive(queue, Duration.ZERO))
        .isInstanceOf(TransportException.class);
    assertThatThrownBy(() -> transport.send(queue, List.of(message("late", "x"))))
        .isInstanceOf(TransportException.class);
  }

  @Test
  void queueStatsCountReadyDelayedAndInFlightMessages() throws Exception {
    String queue = queue();
    InMemoryTransport memory = (InMemoryTransport) transport;
    transport.send(
        queue,
        List.of(
            message("a", "x"),
            message("b", "x"),
            message("c", "x").withDelay(Duration.ofMinutes(5))));

    receive(queue);

    assertThat(memory.queueStats(queue)).isEqualTo(new InMemoryTransport.QueueStats(1, 1, 1));
  }
}
