package dev.pump.spring.tests;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One real PostgreSQL database per test class (pump-testkit's server: embedded by default), given
 * to Spring Boot as its {@code spring.datasource.*}.
 */
public final class SpringDatabases {
  private static final Map<Class<?>, TestDatabase> DATABASES = new ConcurrentHashMap<>();

  private SpringDatabases() {}

  /** The database of {@code testClass}, created on first use. */
  public static TestDatabase of(Class<?> testClass) {
    return DATABASES.computeIfAbsent(testClass, PostgresExtension::createDatabase);
  }

  /** Points Spring Boot's DataSource at the database of {@code testClass}. */
  public static void register(Class<?> testClass, DynamicPropertyRegistry registry) {
    TestDatabase database = of(testClass);
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::user);
    registry.add("spring.datasource.password", database::password);
  }
}
