package dev.pump.examples.guide;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pump.core.Endpoint;
import dev.pump.core.spi.Transport;
import dev.pump.examples.guide.GuideMessages.PriceOrder;
import dev.pump.jackson2.Jackson2Serializer;

/** Message bodies on Jackson 2, for an application whose mapper is Jackson 2 (Spring Boot 3). */
public final class Serializers {
  private Serializers() {}

  /** An endpoint whose bodies go through the application's Jackson 2 mapper. */
  public static Endpoint onJackson2(Transport transport, ObjectMapper objectMapper) {
    // docs:jackson2
    Endpoint orders =
        Endpoint.builder()
            .name("orders")
            .transport(transport)
            .serializer(Jackson2Serializer.using(objectMapper)) // e.g. Spring Boot 3's mapper
            .handler(PriceOrder.class, (order, context) -> {})
            .build();
    // docs:end
    return orders;
  }
}
