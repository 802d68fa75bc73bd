package dev.pump.core.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.MessageName;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.internal.shared.Names;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageNamesTest {
  interface Event {}

  @MessageName("test.Audited")
  interface Audited extends Event {}

  record Plain(int n) implements Event {}

  @MessageName(
      value = "test.PriceChanged",
      aliases = {"test.PriceAdjusted", "com.example.Old$PriceChanged"})
  record PriceChanged(int cents) implements Audited {}

  @MessageName("test.Shipment")
  sealed interface Shipment permits Shipped, Lost {}

  @MessageName("test.Shipped")
  record Shipped(String id) implements Shipment {}

  record Lost(String id) implements Shipment {}

  @MessageName("test.PriceChanged")
  record Impostor(int cents) {}

  @MessageName("not valid!")
  record Misnamed(int n) {}

  private static MessageNames names(Class<?>... known) {
    return MessageNames.create(Map.of(), List.of(known));
  }

  @Test
  void withoutANameATypeIsNamedByItsClassNameAsBeforeAndItsTopicIsUnchanged() {
    MessageNames names = names(Plain.class);

    assertThat(names.nameOf(Plain.class)).isEqualTo(Plain.class.getName()).contains("$");
    assertThat(names.aliasesOf(Plain.class)).isEmpty();
    assertThat(names.enclosedTypes(Plain.class))
        .isEqualTo(Plain.class.getName() + ";" + Event.class.getName());
    assertThat(names.topicsOf(Plain.class))
        .allMatch(Names::isValid)
        .containsExactly(
            "dev.pump.core.internal.routing.MessageNamesTest.Plain",
            "dev.pump.core.internal.routing.MessageNamesTest.Event");
  }

  @Test
  void anAnnotatedTypeIsNamedByItsAnnotationInHeadersAndTopicsAndKeepsItsClassNameAsAlias() {
    MessageNames names = names(PriceChanged.class);

    assertThat(names.nameOf(PriceChanged.class)).isEqualTo("test.PriceChanged");
    assertThat(names.aliasesOf(PriceChanged.class))
        .containsExactly(
            "test.PriceAdjusted", "com.example.Old$PriceChanged", PriceChanged.class.getName());
    assertThat(names.enclosedTypes(PriceChanged.class))
        .isEqualTo("test.PriceChanged;test.Audited;" + Event.class.getName());
    assertThat(names.topicsOf(PriceChanged.class))
        .containsExactly(
            "test.PriceChanged",
            "test.Audited",
            "dev.pump.core.internal.routing.MessageNamesTest.Event");
  }

  @Test
  void aSubscriberSubscribesToTheTopicsOfTheNameAndOfEveryAlias() {
    assertThat(names(PriceChanged.class).subscriptionTopics(PriceChanged.class))
        .containsExactly(
            "test.PriceChanged",
            "test.PriceAdjusted",
            "com.example.Old.PriceChanged",
            "dev.pump.core.internal.routing.MessageNamesTest.PriceChanged");
  }

  @Test
  void aKnownTypeIsFoundByItsNameItsAliasesAndItsClassNameWithDollarOrDot() {
    MessageNames names = names(PriceChanged.class);

    assertThat(names.typeNamed("test.PriceChanged")).isEqualTo(PriceChanged.class);
    assertThat(names.typeNamed("test.PriceAdjusted")).isEqualTo(PriceChanged.class);
    assertThat(names.typeNamed("com.example.Old$PriceChanged")).isEqualTo(PriceChanged.class);
    assertThat(names.typeNamed("com.example.Old.PriceChanged")).isEqualTo(PriceChanged.class);
    assertThat(names.typeNamed(PriceChanged.class.getName())).isEqualTo(PriceChanged.class);
    assertThat(names.typeNamed("test.Audited")).isEqualTo(Audited.class);
    assertThat(names.typeNamed("test.Unknown")).isNull();
  }

  @Test
  void thePermittedSubclassesOfASealedHandledTypeAreKnownByTheirNames() {
    MessageNames names = names(Shipment.class);

    assertThat(names.typeNamed("test.Shipped")).isEqualTo(Shipped.class);
    assertThat(names.typeNamed(Lost.class.getName())).isEqualTo(Lost.class);
  }

  @Test
  void aRegistrationOverridesTheAnnotationWhoseNamesStayAliases() {
    MessageNames names =
        MessageNames.create(
            Map.of(PriceChanged.class, WireName.of("billing.PriceChanged", "billing.Old")),
            List.of(PriceChanged.class));

    assertThat(names.problems()).isEmpty();
    assertThat(names.nameOf(PriceChanged.class)).isEqualTo("billing.PriceChanged");
    assertThat(names.aliasesOf(PriceChanged.class))
        .containsExactly(
            "billing.Old",
            "test.PriceChanged",
            "test.PriceAdjusted",
            "com.example.Old$PriceChanged",
            PriceChanged.class.getName());
    assertThat(names.typeNamed("test.PriceChanged")).isEqualTo(PriceChanged.class);
  }

  @Test
  void twoTypesClaimingOneNameIsAProblemNamingBothAndTheName() {
    assertThat(names(PriceChanged.class, Impostor.class).problems())
        .containsExactly(
            "the message name \"test.PriceChanged\" is claimed by both "
                + PriceChanged.class.getName()
                + " and "
                + Impostor.class.getName()
                + "; give one of them another name or alias");
  }

  @Test
  void anAliasClaimingAnotherTypesClassNameIsAProblem() {
    MessageNames names =
        MessageNames.create(
            Map.of(Lost.class, WireName.of("test.Lost", Plain.class.getName())),
            List.of(Plain.class, Lost.class));

    assertThat(names.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(Plain.class.getName(), Lost.class.getName(), "claimed by both");
  }

  @Test
  void invalidNamesAndAliasesAreProblemsNamingTheTypeAndTheName() {
    MessageNames names =
        MessageNames.create(
            Map.of(
                Plain.class, WireName.of("shop.Plain$1", "ok.alias", "bad alias", null),
                String.class, WireName.of("text")),
            List.of(Plain.class, Misnamed.class));

    assertThat(names.problems())
        .anySatisfy(p -> assertThat(p).startsWith("endpoint.messageName for java.lang.String"))
        .anySatisfy(p ->
            assertThat(p)
                .startsWith("endpoint.messageName for " + Plain.class.getName() + " must be")
                .endsWith("was \"shop.Plain$1\""))
        .anySatisfy(p ->
            assertThat(p)
                .startsWith("endpoint.messageName for " + Plain.class.getName() + " alias must")
                .contains("was \"bad alias\""))
        .anySatisfy(p ->
            assertThat(p)
                .isEqualTo(
                    "endpoint.messageName for "
                        + Plain.class.getName()
                        + " alias must be set (a Java class name may also have '$')"))
        .anySatisfy(p ->
            assertThat(p)
                .startsWith("@MessageName on " + Misnamed.class.getName())
                .contains("was \"not valid!\""))
        .hasSize(5);
  }

  @Test
  void aTypeFirstSeenWhenSentWithAnInvalidAnnotationFailsThatSend() {
    MessageNames names = names();

    assertThatThrownBy(() -> names.enclosedTypes(Misnamed.class))
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("@MessageName on " + Misnamed.class.getName());
  }
}
