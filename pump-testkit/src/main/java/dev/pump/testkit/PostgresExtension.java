package dev.pump.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class a real, isolated PostgreSQL database: declare a {@link TestDatabase}
 * parameter on the constructor, a {@code @BeforeAll}, or a test method.
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class OutboxTest {
 *   @Test
 *   void writesRows(TestDatabase db) { ... db.dataSource() ... }
 * }
 * }</pre>
 *
 * <p>The server is chosen once per JVM, in this order:
 *
 * <ol>
 *   <li>{@code PUMP_TEST_JDBC_URL} (with {@code PUMP_TEST_JDBC_USER}, {@code
 *       PUMP_TEST_JDBC_PASSWORD}) when set: an external server, on which the user must be allowed
 *       to create databases;
 *   <li>Testcontainers' {@code postgres:<pump.test.postgres.version>} when the system property
 *       {@code pump.test.containers} is {@code true} (the Maven profile {@code -Pcontainers});
 *   <li>otherwise embedded PostgreSQL, started once per JVM.
 * </ol>
 *
 * Every test class gets a database of its own, created on first use and dropped when the class is
 * done, so classes never see each other's rows. The choice and the server version are logged once.
 */
public final class PostgresExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = classContext(context);
    Class<?> testClass = classContext.getRequiredTestClass();
    return classContext
        .getStore(NAMESPACE)
        .computeIfAbsent(testClass, PostgresExtension::createDatabase, TestDatabase.class);
  }

  /**
   * A fresh database on the same server, for a test framework that needs one before JUnit resolves
   * parameters (Spring's {@code @DynamicPropertySource}); the caller closes it, which drops it.
   */
  public static TestDatabase createDatabase(Class<?> testClass) {
    PostgresServer server = PostgresServers.shared();
    return server.createDatabase(testClass.getSimpleName());
  }

  /** The class-level context, so every method of one class shares one database. */
  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }
}
