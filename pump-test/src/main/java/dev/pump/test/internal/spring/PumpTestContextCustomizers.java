package dev.pump.test.internal.spring;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Gives each test class's application context a fresh database: its URL and credentials become the
 * first source of {@code spring.datasource.*}, and it is dropped when the context closes, after
 * every bean was stopped and destroyed.
 */
public final class PumpTestContextCustomizers implements ContextCustomizerFactory {
  /** Creates the factory; Spring's test context calls it. */
  public PumpTestContextCustomizers() {}

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    return new FreshDatabase(testClass);
  }

  /** One test class's database; equal per class, so each class gets a context of its own. */
  record FreshDatabase(Class<?> testClass) implements ContextCustomizer {
    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
      TestDatabase database = PostgresExtension.createDatabase(testClass);
      context
          .getEnvironment()
          .getPropertySources()
          .addFirst(
              new MapPropertySource(
                  "pumpTestDatabase",
                  Map.of(
                      "spring.datasource.url", database.jdbcUrl(),
                      "spring.datasource.username", database.user(),
                      "spring.datasource.password", database.password())));
      // registered before any bean, so destroyed after all of them
      ((DefaultSingletonBeanRegistry) context.getBeanFactory())
          .registerDisposableBean("pumpTestDatabase", database::close);
    }
  }
}
