package dev.pump.core.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageIdsTest {
  @Test
  void derivedIdsAreVersionEightUuidsThatRepeatForTheSameSend() {
    String id = MessageIds.derived("billing", "incoming-1", 0);

    UUID uuid = UUID.fromString(id);
    assertThat(uuid.version()).isEqualTo(8);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(MessageIds.derived("billing", "incoming-1", 0)).isEqualTo(id);
  }

  @Test
  void derivedIdsDifferByEndpointIncomingIdAndOrdinal() {
    assertThat(
            java.util.Set.of(
                MessageIds.derived("billing", "incoming-1", 0),
                MessageIds.derived("billing", "incoming-1", 1),
                MessageIds.derived("billing", "incoming-2", 0),
                MessageIds.derived("shipping", "incoming-1", 0),
                // the same characters split differently between endpoint and id
                MessageIds.derived("billingi", "ncoming-1", 0)))
        .hasSize(5);
  }
}
