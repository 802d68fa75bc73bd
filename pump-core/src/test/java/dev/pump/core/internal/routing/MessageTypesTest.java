package dev.pump.core.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.internal.shared.Names;
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
  void topicsAreValidNamesMostSpecificFirst() {
    assertThat(MessageTypes.topicsOf(PriceChanged.class))
        .allMatch(Names::isValid)
        .first()
        .isEqualTo("dev.pump.core.internal.routing.MessageTypesTest.PriceChanged");
  }

  @Test
  void aJdkTypeSentAsAMessageStillNamesItself() {
    assertThat(MessageTypes.hierarchy(String.class)).containsExactly(String.class);
  }
}
