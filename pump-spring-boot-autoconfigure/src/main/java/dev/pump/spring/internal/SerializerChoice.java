package dev.pump.spring.internal;

import dev.pump.core.serialization.JsonSerializer;
import dev.pump.core.spi.Serializer;
import dev.pump.jackson2.Jackson2Serializer;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chooses the serializer of message bodies from the Jackson the application configured. Each
 * Jackson is touched only in a nested class of its own, loaded only when that Jackson is chosen: on
 * Spring Boot 3, Jackson 3 cannot even load beside Boot's older jackson-annotations.
 */
public final class SerializerChoice {
  private static final String OBJECT_MAPPER = "com.fasterxml.jackson.databind.ObjectMapper";
  private static final String JACKSON2_SERIALIZER = "dev.pump.jackson2.Jackson2Serializer";

  private SerializerChoice() {}

  /**
   * The application's Jackson 2 {@code ObjectMapper} bean through {@code pump-jackson2}, else its
   * Jackson 3 {@code JsonMapper} bean, else Pump's own Jackson 3 serializer.
   *
   * @throws dev.pump.core.PumpConfigurationException if Jackson 3 is chosen and its
   *     jackson-annotations is too old
   */
  public static Serializer of(ListableBeanFactory beans, ClassLoader classLoader) {
    if (ClassUtils.isPresent(JACKSON2_SERIALIZER, classLoader)
        && ClassUtils.isPresent(OBJECT_MAPPER, classLoader)) {
      Serializer jackson2 = Jackson2.ofMapperBean(beans);
      if (jackson2 != null) {
        return jackson2;
      }
    }
    VersionCheck.checkJackson3(classLoader);
    return Jackson3.ofMapperBean(beans);
  }

  /** Jackson 2, through pump-jackson2. */
  private static final class Jackson2 {
    static Serializer ofMapperBean(ListableBeanFactory beans) {
      var mappers = beans.getBeanProvider(com.fasterxml.jackson.databind.ObjectMapper.class);
      var mapper = mappers.getIfUnique();
      return mapper == null ? null : Jackson2Serializer.using(mapper);
    }
  }

  /** Jackson 3, Pump's default. */
  private static final class Jackson3 {
    static Serializer ofMapperBean(ListableBeanFactory beans) {
      JsonMapper mapper = beans.getBeanProvider(JsonMapper.class).getIfUnique();
      return mapper == null ? JsonSerializer.create() : JsonSerializer.using(mapper);
    }
  }
}
