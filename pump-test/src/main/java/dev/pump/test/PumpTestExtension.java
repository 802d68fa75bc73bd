package dev.pump.test;

import dev.pump.test.internal.ClassPump;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link PumpTest}: Pump on a real PostgreSQL for each test class,
 * given to tests as a {@link TestPump} parameter.
 *
 * <ul>
 *   <li><b>Per test class:</b> a fresh database on the server {@code PUMP_TEST_JDBC_URL} names
 *       (with {@code PUMP_TEST_JDBC_USER} and {@code PUMP_TEST_JDBC_PASSWORD}; the user must be
 *       allowed to create databases), else on an embedded PostgreSQL started once per JVM; in it,
 *       Pump's schema {@code pump}, a PostgreSQL queue transport and a running outbox dispatcher.
 *       The database is dropped after the class. The test's own tables go in the same database
 *       ({@link TestPump#dataSource()}), e.g. from a {@code @BeforeAll} method.
 *   <li><b>Per test method:</b> the endpoints the test started are stopped when it ends (5 seconds
 *       of grace), Pump's tables are emptied, failures are forgotten and the clock goes back to the
 *       system's time, so each test sees its own messages only.
 * </ul>
 *
 * Nested classes share their enclosing class's Pump. Test methods of one class must not run
 * concurrently.
 */
public final class PumpTestExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PumpTestExtension.class);
  private static final String KEY = "pump";

  /** Creates the extension; JUnit calls it. */
  public PumpTestExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    if (store.get(KEY, ClassPump.class) == null) {
      store.put(KEY, ClassPump.start(context.getRequiredTestClass()));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    ClassPump own = context.getStore(NAMESPACE).remove(KEY, ClassPump.class);
    if (own != null) {
      own.close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    pump(context).beginTest();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    pump(context).endTest();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestPump.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return pump(context).flow();
  }

  private static ClassPump pump(ExtensionContext context) {
    ClassPump pump = context.getStore(NAMESPACE).get(KEY, ClassPump.class);
    if (pump == null) {
      throw new IllegalStateException(
          "no Pump for " + context.getDisplayName() + ": is the class annotated with @PumpTest?");
    }
    return pump;
  }
}
