package dev.pump.core.internal.endpoint;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.serialization.JsonSerializer;
import dev.pump.core.spi.Serializer;
import java.util.List;
import java.util.Map;

/**
 * The serializer of an endpoint given none: {@link JsonSerializer#create()}, created only then, so
 * an application on Jackson 2 that gives its own serializer never loads Jackson 3. Jackson 3 fails
 * with a {@link LinkageError} when the jars found do not match (Spring Boot 3 pins {@code
 * jackson-annotations} to its Jackson 2 version); this turns that into a configuration error that
 * names the versions and what to do.
 */
public final class DefaultSerializer {
  private static final Map<String, List<Integer>> PROBE = Map.of("pump", List.of(1));

  private DefaultSerializer() {}

  /**
   * Returns a {@link JsonSerializer} that has written and read one small message, so that the
   * Jackson found is known to run.
   *
   * @throws PumpConfigurationException naming the Jackson versions found, if Jackson 3 cannot run
   *     on them
   */
  public static Serializer create() {
    try {
      Serializer json = JsonSerializer.create();
      json.deserialize(json.serialize(PROBE), Map.class);
      return json;
    } catch (LinkageError e) {
      throw new PumpConfigurationException(problem(e, DefaultSerializer.class.getClassLoader()), e);
    }
  }

  static String problem(LinkageError error, ClassLoader loader) {
    JacksonJars jars = JacksonJars.find(loader);
    return "endpoint.serializer: the default JsonSerializer cannot run on the Jackson found ("
        + error.getClass().getSimpleName()
        + (error.getMessage() == null ? "" : ": " + error.getMessage())
        + "): "
        + jars.describe()
        + ". "
        + jars.needs()
        + ". Spring Boot 3 pins jackson-annotations to its Jackson 2 version: give the endpoint"
        + " serializer(Jackson2Serializer.using(objectMapper)) from dev.pump:pump-jackson2, or align"
        + " com.fasterxml.jackson.core:jackson-annotations with Jackson 3";
  }
}
