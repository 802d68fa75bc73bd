package dev.pump.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.spi.MessageDeserializationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSerializerTest {
  record Order(String id, Instant placedAt, List<String> lines) {}

  private final JsonSerializer serializer = JsonSerializer.create();

  @Test
  void aRecordWithTimeAndCollectionsRoundTrips() {
    Order order = new Order("o-1", Instant.parse("2026-01-01T10:15:30Z"), List.of("a", "b"));

    byte[] json = serializer.serialize(order);

    assertThat(serializer.deserialize(json, Order.class)).isEqualTo(order);
    assertThat(serializer.contentType()).isEqualTo("application/json");
  }

  @Test
  void anUnreadableBodyFailsAsUnrecoverableNamingTheType() {
    assertThatThrownBy(
            () -> serializer.deserialize("{\"id\": ".getBytes(StandardCharsets.UTF_8), Order.class))
        .isInstanceOf(MessageDeserializationException.class)
        .hasMessageContaining(Order.class.getName());
  }

  record PlaceOrder(String orderId, int quantity, String customer) {}

  /** Jackson has no way to build this: one constructor, parameters without names. */
  static class NoCreator {
    NoCreator(String a, int b) {}
  }

  @Test
  void aMissingRecordComponentFailsTheReadNamingIt() {
    assertThatThrownBy(() -> read("{\"orderId\":\"x2\"}", PlaceOrder.class))
        .isInstanceOf(MessageDeserializationException.class)
        .hasMessageContaining("Missing creator property 'quantity'");
    assertThatThrownBy(() -> read("{\"orderId\":\"x2\",\"quantity\":1}", PlaceOrder.class))
        .isInstanceOf(MessageDeserializationException.class)
        .hasMessageContaining("'customer'");
  }

  @Test
  void aNullForAPrimitiveFailsTheRead() {
    assertThatThrownBy(() ->
            read("{\"orderId\":\"x2\",\"quantity\":null,\"customer\":\"c\"}", PlaceOrder.class))
        .isInstanceOf(MessageDeserializationException.class)
        .hasMessageContaining("Cannot map `null` into type `int`");
  }

  @Test
  void nullsForObjectsAndUnknownPropertiesAreRead() {
    assertThat(
            read(
                "{\"orderId\":\"x2\",\"quantity\":3,\"customer\":null,\"note\":\"new\"}",
                PlaceOrder.class))
        .isEqualTo(new PlaceOrder("x2", 3, null));
  }

  @Test
  void aTypeJacksonCannotConstructIsReportedBeforeAnyMessageArrives() {
    assertThat(serializer.readProblem(NoCreator.class))
        .contains("JSON cannot construct " + NoCreator.class.getName())
        .contains("no Creators");
    assertThat(serializer.readProblem(PlaceOrder.class)).isNull();
    assertThat(serializer.readProblem(String.class)).isNull();
  }

  private <T> T read(String json, Class<T> type) {
    return serializer.deserialize(json.getBytes(StandardCharsets.UTF_8), type);
  }

  @Test
  void aNullBodyIsRefused() {
    assertThatThrownBy(
            () -> serializer.deserialize("null".getBytes(StandardCharsets.UTF_8), Order.class))
        .isInstanceOf(MessageDeserializationException.class);
  }
}
