package dev.pump.core.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.spi.OutgoingMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BatchesTest {
  private static OutgoingMessage ofSize(int bytes) {
    return OutgoingMessage.of("m", Map.of(), new byte[bytes]);
  }

  @Test
  void messagesAreSplitByCountKeepingTheirOrder() {
    List<OutgoingMessage> messages = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      messages.add(OutgoingMessage.of("m-" + i, Map.of(), new byte[1]));
    }

    List<List<OutgoingMessage>> batches = Batches.split(messages, 3, 1024);

    assertThat(batches).extracting(List::size).containsExactly(3, 3, 1);
    assertThat(batches.get(1).getFirst().messageId()).isEqualTo("m-3");
  }

  @Test
  void messagesAreSplitByBytesAndAnOversizedMessageTravelsAlone() {
    List<List<OutgoingMessage>> batches =
        Batches.split(
            List.of(ofSize(400), ofSize(400), ofSize(400), ofSize(5000), ofSize(10)), 100, 1000);

    assertThat(batches).extracting(List::size).containsExactly(2, 1, 1, 1);
  }

  @Test
  void generatedMessageIdsAreVersionSevenUuidsThatSortByTime() {
    var clock = dev.pump.core.testing.MutableClock.startingNow();
    String earlier = MessageIds.next(clock);
    clock.advance(java.time.Duration.ofMillis(1));
    String later = MessageIds.next(clock);

    assertThat(UUID.fromString(earlier).version()).isEqualTo(7);
    assertThat(UUID.fromString(earlier).variant()).isEqualTo(2);
    assertThat(earlier).isLessThan(later);
    assertThat(MessageIds.next(clock)).isNotEqualTo(MessageIds.next(clock));
  }
}
