package dev.pump.jackson2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pump.core.serialization.JsonSerializer;
import dev.pump.core.spi.MessageDeserializationException;
import dev.pump.core.spi.MessageSerializationException;
import dev.pump.core.spi.Serializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strict reading, readProblem and failures, as {@link JsonSerializer#create()} has them. */
class Jackson2SerializerTest {
  record PlaceOrder(String orderId, int quantity, String customer) {}

  record Order(String id, Instant placedAt, List<String> lines) {}

  /** Jackson has no way to build this: one constructor, parameters without names. */
  static class NoCreator {
    NoCreator(String a, int b) {}
  }

  /** Cannot be written: its getter throws. */
  static class Unwritable {
    public String getValue() {
      throw new IllegalStateException("no value");
    }
  }

  private final Jackson2Serializer serializer = Jackson2Serializer.create();

  @Test
  void aRecordWithTimeAndCollectionsRoundTripsAsJson() {
    Order order = new Order("o-1", Instant.parse("2026-01-01T10:15:30Z"), List.of("a", "b"));

    byte[] json = serializer.serialize(order);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"id\":\"o-1\",\"placedAt\":\"2026-01-01T10:15:30Z\",\"lines\":[\"a\",\"b\"]}");
    assertThat(serializer.deserialize(json, Order.class)).isEqualTo(order);
    assertThat(serializer.contentType()).isEqualTo("application/json");
    assertThat(Jackson2Serializer.CONTENT_TYPE).isEqualTo(JsonSerializer.CONTENT_TYPE);
  }

  @Test
  void aMissingRecordComponentFailsTheReadNamingIt() {
    assertThatThrownBy(() -> read(serializer, "{\"orderId\":\"x2\"}", PlaceOrder.class))
        .isInstanceOf(MessageDeserializationException.class)
        .hasMessageStartingWith("cannot read " + PlaceOrder.class.getName() + " from JSON: ")
        .hasMessageContaining("Missing creator property 'quantity'");
    assertThatThrownBy(
            () -> read(serializer, "{\"orderId\":\"x2\",\"quantity\":1}", PlaceOrder.class))
        .isInstanceOf(MessageDeserializationException.class)
        .hasMessageContaining("'customer'");
  }

  @Test
  void aNullForAPrimitiveFailsTheRead() {
    assertThatThrownBy(() ->
            read(
                serializer,
                "{\"orderId\":\"x2\",\"quantity\":null,\"customer\":\"c\"}",
                PlaceOrder.class))
        .isInstanceOf(MessageDeserializationException.class)
        .hasMessageContaining("Cannot map `null` into type `int`");
  }

  @Test
  void nullsForObjectsAndUnknownPropertiesAreRead() {
    assertThat(
            read(
                serializer,
                "{\"orderId\":\"x2\",\"quantity\":3,\"customer\":null,\"note\":\"new\"}",
                PlaceOrder.class))
        .isEqualTo(new PlaceOrder("x2", 3, null));
  }

  @Test
  void anythingAfterTheMessageFailsTheRead() {
    assertThatThrownBy(() ->
            read(
                serializer,
                "{\"orderId\":\"x2\",\"quantity\":3,\"customer\":\"c\"} {}",
                PlaceOrder.class))
        .isInstanceOf(MessageDeserializationException.class);
  }

  @Test
  void aTypeJacksonCannotConstructIsReportedBeforeAnyMessageArrives() {
    assertThat(serializer.readProblem(NoCreator.class))
        .startsWith(
            "JSON cannot construct " + NoCreator.class.getName() + ": Cannot construct instance")
        .contains("no Creators")
        .endsWith("(give it a canonical or @JsonCreator constructor, or a default constructor)");
    assertThat(serializer.readProblem(PlaceOrder.class)).isNull();
    assertThat(serializer.readProblem(String.class)).isNull();
    assertThat(serializer.readProblem(List.class)).isNull();
  }

  @Test
  void failuresHaveTheTypesAndMessagesOfJackson3s() {
    Serializer jackson3 = JsonSerializer.create();
    for (String body : List.of("{\"id\": ", "null", "[1]", "")) {
      Throwable ours = catchFailure(serializer, body);
      Throwable theirs = catchFailure(jackson3, body);

      assertThat(ours).as(body).hasSameClassAs(theirs);
      assertThat(ours.getMessage())
          .as(body)
          .startsWith(theirs.getMessage().substring(0, theirs.getMessage().indexOf(" from ")));
    }
    assertThat(serializer.readProblem(NoCreator.class))
        .isEqualTo(jackson3.readProblem(NoCreator.class));
  }

  @Test
  void aMessageThatCannotBeWrittenFailsAsUnrecoverableNamingItsType() {
    assertThatThrownBy(() -> serializer.serialize(new Unwritable()))
        .isInstanceOf(MessageSerializationException.class)
        .hasMessageStartingWith("cannot serialize " + Unwritable.class.getName() + " as JSON: ")
        .hasMessageContaining("no value");
  }

  @Test
  void aNullBodyIsRefused() {
    assertThatThrownBy(() -> read(serializer, "null", Order.class))
        .isInstanceOf(MessageDeserializationException.class)
        .hasMessage("cannot read " + Order.class.getName() + " from a JSON null body");
  }

  @Test
  void theApplicationsMapperIsUsedAsItIs() {
    Jackson2Serializer snakes =
        Jackson2Serializer.using(
            JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .build());

    byte[] json = snakes.serialize(new PlaceOrder("o-1", 2, "c"));

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo("{\"order_id\":\"o-1\",\"quantity\":2,\"customer\":\"c\"}");
    // Jackson 2's own default: a missing property is read as null, and the primitive as zero
    assertThat(read(snakes, "{\"order_id\":\"o-1\"}", PlaceOrder.class))
        .isEqualTo(new PlaceOrder("o-1", 0, null));
    assertThatThrownBy(() -> Jackson2Serializer.using(null))
        .isInstanceOf(NullPointerException.class);
  }

  private static Throwable catchFailure(Serializer serializer, String body) {
    try {
      read(serializer, body, Order.class);
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("read " + body);
  }

  private static <T> T read(Serializer serializer, String json, Class<T> type) {
    return serializer.deserialize(json.getBytes(StandardCharsets.UTF_8), type);
  }
}
