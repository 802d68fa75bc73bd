package dev.pump.core.internal.shared;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.TransportException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageSizesTest {
  private static OutgoingMessage ofSize(String id, int bytes) {
    return OutgoingMessage.of(id, Map.of(), new byte[bytes]);
  }

  @Test
  void aBatchWithinTheMaximumPasses() {
    assertThatCode(() -> MessageSizes.check("queue q", List.of(ofSize("a", 10)), 10))
        .doesNotThrowAnyException();
  }

  @Test
  void aBodyOverTheMaximumIsRefusedNamingMessageDestinationSizeAndMaximum() {
    assertThatThrownBy(() ->
            MessageSizes.check("queue q", List.of(ofSize("small", 10), ofSize("big", 11)), 10))
        .isInstanceOf(TransportException.class)
        .hasMessage("message big to queue q is 11 bytes, more than the transport's maximum of 10");
  }
}
