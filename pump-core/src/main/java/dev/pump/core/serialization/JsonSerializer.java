package dev.pump.core.serialization;

import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default serializer: JSON through Jackson 3, content type {@value #CONTENT_TYPE}. Records,
 * plain classes and {@code java.time} types work out of the box. Thread-safe.
 */
public final class JsonSerializer implements Serializer {
  /** The content type written and read. */
  public static final String CONTENT_TYPE = "application/json";

  private final JsonMapper mapper;

  private JsonSerializer(JsonMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /** Returns a serializer with Jackson's default settings. */
  public static JsonSerializer create() {
    return new JsonSerializer(JsonMapper.builder().build());
  }

  /** Returns a serializer that uses {@code mapper}, for custom modules or naming strategies. */
  public static JsonSerializer using(JsonMapper mapper) {
    return new JsonSerializer(mapper);
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
