package dev.pump.core.serialization;

import dev.pump.core.spi.MessageDeserializationException;
import dev.pump.core.spi.MessageSerializationException;
import dev.pump.core.spi.Serializer;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default serializer: JSON through Jackson 3, content type {@value #CONTENT_TYPE}. Records,
 * plain classes and {@code java.time} types work out of the box. Thread-safe.
 *
 * <p>{@link #create()} reads strictly where a lenient read would hand a handler a message that was
 * never sent: a record component (or any constructor property) missing from the JSON, and a JSON
 * {@code null} for a primitive, fail the read, so the message is parked as unrecoverable with the
 * property named instead of reaching the handler with nulls and zeros. Properties the type does not
 * know are ignored, so a producer may add fields before its consumers know them. To make a new
 * component optional for messages already on the wire, give the endpoint a serializer of your own
 * mapper through {@link #using(JsonMapper)}.
 *
 * <p>An application on Jackson 2 (Spring Boot 3) gives its endpoints {@code Jackson2Serializer}
 * from {@code pump-jackson2} instead, whose {@code create()} writes and reads the same JSON as
 * {@link #create()}.
 */
public final class JsonSerializer implements Serializer {
  /** The content type written and read. */
  public static final String CONTENT_TYPE = "application/json";

  private final JsonMapper mapper;

  private JsonSerializer(JsonMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /**
   * Returns a serializer with Jackson's defaults, except that missing constructor properties and
   * nulls for primitives fail the read (see the class comment).
   */
  public static JsonSerializer create() {
    return new JsonSerializer(
        JsonMapper.builder()
            .enable(
                DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build());
  }

  /**
   * Returns a serializer that uses {@code mapper}, for custom modules or naming strategies; its
   * settings are used as they are.
   */
  public static JsonSerializer using(JsonMapper mapper) {
    return new JsonSerializer(mapper);
  }

  /**
   * Finds whether Jackson can construct {@code type} at all (a creator, or a default constructor),
   * by reading an empty object into it with every missing property allowed: a type it cannot
   * construct fails the same way for every message.
   */
  @Override
  public String readProblem(Class<?> type) {
    try {
      mapper
          .readerFor(type)
          .without(
              DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
              DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
              DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
          .readValue("{}");
      return null;
    } catch (InvalidDefinitionException e) {
      return "JSON cannot construct "
          + type.getName()
          + ": "
          + e.getOriginalMessage()
          + " (give it a canonical or @JsonCreator constructor, or a default constructor)";
    } catch (RuntimeException e) {
      return null; // constructible; the empty object was only the wrong shape for it
    }
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public byte[] serialize(Object message) {
    try {
      return mapper.writeValueAsBytes(message);
    } catch (JacksonException e) {
      throw new MessageSerializationException(
          "cannot serialize " + message.getClass().getName() + " as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public <T> T deserialize(byte[] body, Class<T> type) {
    try {
      T value = mapper.readValue(body, type);
      if (value == null) {
        throw new MessageDeserializationException(
            "cannot read " + type.getName() + " from a JSON null body");
      }
      return value;
    } catch (JacksonException e) {
      throw new MessageDeserializationException(
          "cannot read " + type.getName() + " from JSON: " + e.getOriginalMessage(), e);
    }
  }
}
