package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.internal.shared.Names;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"orders", "error", "billing.v2", "team:orders-eu_1", "0day"})
  void ordinaryNamesAreAccepted(String name) {
    assertThat(Names.require("queue", name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "orders\"",
        "orders'",
        "orders;drop",
        "my orders",
        "orders\n",
        "orders\u0000",
        "оrders", // Cyrillic o: a look-alike
        "-orders",
        ".hidden",
        "orders/eu"
      })
  void hostileOrMalformedNamesAreRefusedNamingThePropertyAndValue(String name) {
    assertThatThrownBy(() -> Names.require("endpoint.inputQueue", name))
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("endpoint.inputQueue")
        .hasMessageContaining("was \"");
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 201})
  void namesAreAtMostTwoHundredCharacters(int length) {
    String name = "q".repeat(length);
    assertThat(Names.isValid(name)).isEqualTo(length <= Names.MAX_LENGTH);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tab\there"})
  void controlCharactersAreShownEscapedInTheError(String name) {
    assertThatThrownBy(() -> Names.require("topic", name)).hasMessageContaining("tab\\u0009here");
  }
}
