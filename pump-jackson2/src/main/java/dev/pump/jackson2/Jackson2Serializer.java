package dev.pump.jackson2;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.introspect.DefaultAccessorNamingStrategy;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import dev.pump.core.spi.MessageDeserializationException;
import dev.pump.core.spi.MessageSerializationException;
import dev.pump.core.spi.Serializer;
import java.io.IOException;
import java.time.Instant;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import java.util.Date;
import java.util.Objects;

/**
 * Pump's JSON serializer on Jackson 2, content type {@value #CONTENT_TYPE}, for an application
 * whose mapper is Jackson 2 (Spring Boot 3), where Jackson 3's {@link
 * dev.pump.core.serialization.JsonSerializer} cannot run. Give it to every endpoint: {@code
 * Endpoint.builder().serializer(Jackson2Serializer.using(objectMapper))}. Thread-safe.
 *
 * <p>{@link #create()} writes the JSON that {@code JsonSerializer.create()} writes, byte for byte,
 * and reads what it reads, so services on Jackson 2 and on Jackson 3 exchange messages, and a
 * service moves from one to the other with messages in flight: {@code java.time} values as ISO-8601
 * strings, properties of plain classes in alphabetical order, enums by {@code toString()}. It reads
 * as strictly: a record component (or any constructor property) missing from the JSON, and a JSON
 * {@code null} for a primitive, fail the read, so the message is parked as unrecoverable with the
 * property named; properties the type does not know are ignored.
 *
 * <p>{@link #using(ObjectMapper)} takes the application's mapper as it is, with its modules and
 * settings: what it writes and how strictly it reads are then that mapper's. Spring Boot 3's mapper
 * writes {@code java.time} values as ISO-8601 strings and ignores unknown properties, as Jackson 3
 * does; unlike {@link #create()}, it reads a missing property as {@code null} (zero for a
 * primitive) and lists a plain class's properties in declaration order rather than alphabetically.
 */
public final class Jackson2Serializer implements Serializer {
  /** The content type written and read. */
  public static final String CONTENT_TYPE = "application/json";

  private final ObjectMapper mapper;

  private Jackson2Serializer(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /**
   * Returns a serializer whose JSON is Jackson 3's by default, read strictly (see the class
   * comment).
   */
  public static Jackson2Serializer create() {
    return new Jackson2Serializer(jackson3Defaults());
  }

  /**
   * Returns a serializer that uses {@code mapper}, e.g. Spring Boot's, for its modules and naming
   * strategies; its settings are used as they are.
   */
  public static Jackson2Serializer using(ObjectMapper mapper) {
    return new Jackson2Serializer(mapper);
  }

  /** Jackson 2 set to each of Jackson 3's defaults that changes the JSON or what is read. */
  private static JsonMapper jackson3Defaults() {
    return JsonMapper.builder()
        // java.time, Optional and constructor parameter names are built into Jackson 3
        .addModule(new JavaTimeModule().enable(JavaTimeFeature.ONE_BASED_MONTHS))
        .addModule(new Jdk8Module())
        .addModule(new ParameterNamesModule())
        .addModule(
            new SimpleModule("pump-jackson3-values")
                .addSerializer(Date.class, new LegacyDateAsJackson3())
                .addSerializer(Calendar.class, new LegacyDateAsJackson3())
                .addSerializer(Month.class, new MonthAsJackson3()))
        .withConfigOverride(
            Year.class, year -> year.setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.NUMBER)))
        .disable(
            SerializationFeature.WRITE_DATES_AS_TIMESTAMPS,
            SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS,
            SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
        .enable(
            MapperFeature.SORT_PROPERTIES_ALPHABETICALLY,
            MapperFeature.SORT_CREATOR_PROPERTIES_BY_DECLARATION_ORDER,
            MapperFeature.USE_STD_BEAN_NAMING,
            MapperFeature.ALLOW_VOID_VALUED_PROPERTIES)
        .disable(
            MapperFeature.USE_GETTERS_AS_SETTERS,
            MapperFeature.ALLOW_FINAL_FIELDS_AS_MUTATORS,
            MapperFeature.DEFAULT_VIEW_INCLUSION)
        // getxName() and get_x() are no getters to Jackson 3
        .accessorNaming(
            new DefaultAccessorNamingStrategy.Provider().withFirstCharAcceptance(false, false))
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(
            DeserializationFeature.READ_ENUMS_USING_TO_STRING,
            DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
            // Pump's strictness, as JsonSerializer.create()
            DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
            DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();
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
    } catch (IOException | RuntimeException e) {
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
    } catch (JsonProcessingException e) {
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
    } catch (JsonProcessingException e) {
      throw new MessageDeserializationException(
          "cannot read " + type.getName() + " from JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      // a byte array is read without I/O; anything else is the body's fault as well
      throw new MessageDeserializationException(
          "cannot read " + type.getName() + " from JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Jackson2Serializer[" + mapper.getClass().getSimpleName() + "]";
  }

  /**
   * {@code java.util.Date} (and {@code java.sql}'s), and {@code Calendar}, as Jackson 3 writes
   * them: UTC to the millisecond, ending in {@code Z}.
   */
  private static final class LegacyDateAsJackson3 extends StdSerializer<Object> {
    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter FORMAT =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    LegacyDateAsJackson3() {
      super(Object.class);
    }

    @Override
    public void serialize(Object date, JsonGenerator json, SerializerProvider provider)
        throws IOException {
      // java.sql.Date refuses toInstant()
      long millis =
          date instanceof Calendar calendar ? calendar.getTimeInMillis() : ((Date) date).getTime();
      json.writeString(FORMAT.format(Instant.ofEpochMilli(millis)));
    }
  }

  /** {@code java.time.Month} as Jackson 3 writes it: its number, 1 to 12. */
  private static final class MonthAsJackson3 extends StdSerializer<Month> {
    private static final long serialVersionUID = 1L;

    MonthAsJackson3() {
      super(Month.class);
    }

    @Override
    public void serialize(Month month, JsonGenerator json, SerializerProvider provider)
        throws IOException {
      json.writeNumber(month.getValue());
    }
  }
}
