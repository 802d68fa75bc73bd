package dev.pump.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void aNullBodyIsRefused() {
    assertThatThrownBy(
            () -> serializer.deserialize("null".getBytes(StandardCharsets.UTF_8), Order.class))
        .isInstanceOf(MessageDeserializationException.class);
  }
}
