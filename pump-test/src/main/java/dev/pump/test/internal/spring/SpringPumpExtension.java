package dev.pump.test.internal.spring;

import dev.pump.test.TestPump;
import dev.pump.test.internal.Flow;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Marks where each test method's rows begin, and resolves {@link TestPump} parameters, from the
 * test's application context.
 */
public final class SpringPumpExtension implements BeforeEachCallback, ParameterResolver {
  /** Creates the extension; JUnit calls it. */
  public SpringPumpExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    flow(context).beginTest();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestPump.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return flow(context);
  }

  private static Flow flow(ExtensionContext context) {
    return SpringExtension.getApplicationContext(context).getBean(Flow.class);
  }
}
