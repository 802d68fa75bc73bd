package dev.pump.core.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.testing.TestMessages.OrderEvent;
import dev.pump.core.testing.TestMessages.OrderPlaced;
import dev.pump.core.testing.TestMessages.Orphan;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandlerRegistryTest {
  private final HandlerRegistry registry =
      new HandlerRegistry(List.of(HandlerRegistration.instance(OrderEvent.class, (e, c) -> {})));

  @Test
  void aClassWithHandlersIsCachedAndAClassWithoutIsNot() {
    assertThat(registry.handles(OrderPlaced.class)).isTrue();
    assertThat(registry.handles(Orphan.class)).isFalse();
    assertThat(registry.handles(String.class)).isFalse();
    assertThat(registry.handles(Orphan.class)).isFalse();

    assertThat(registry.cachedClasses()).isEqualTo(1);
  }
}
