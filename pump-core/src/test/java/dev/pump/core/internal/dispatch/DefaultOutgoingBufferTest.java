package dev.pump.core.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.PumpException;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.pipeline.PendingMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefaultOutgoingBufferTest {
  private static PendingMessage pending(String id) {
    return new PendingMessage(
        Destination.queue("orders"), OutgoingMessage.of(id, Map.of(), new byte[0]));
  }

  @Test
  void aSealedBufferReturnsWhatWasLeftAndRefusesLaterSendsWithTheReason() {
    DefaultOutgoingBuffer buffer = new DefaultOutgoingBuffer();
    buffer.add(pending("drained"));
    buffer.drain();
    buffer.add(pending("left-behind"));

    assertThat(buffer.seal("already dispatched"))
        .extracting(p -> p.message().messageId())
        .containsExactly("left-behind");
    assertThatThrownBy(() -> buffer.add(pending("too-late")))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("too-late")
        .hasMessageContaining("already dispatched");
    assertThat(buffer.size()).isZero();
  }
}
