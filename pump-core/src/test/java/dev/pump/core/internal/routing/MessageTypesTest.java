package dev.pump.core.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageTypesTest {
  interface Event {}

  interface Audited extends Event {}

  abstract static class BaseEvent implements Event {}

  static final class PriceChanged extends BaseEvent implements Audited, java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void theHierarchyListsTheClassItsSuperclassesThenItsInterfacesWithoutJdkTypes() {
    assertThat(MessageTypes.hierarchy(PriceChanged.class))
        .containsExactly(PriceChanged.class, BaseEvent.class, Audited.class, Event.class);
  }

  @Test
  void aJdkTypeSentAsAMessageStillNamesItself() {
    assertThat(MessageTypes.hierarchy(String.class)).containsExactly(String.class);
  }
}
