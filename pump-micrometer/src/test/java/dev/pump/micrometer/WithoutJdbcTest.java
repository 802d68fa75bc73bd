package dev.pump.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code dev.pump.jdbc} is optional: metrics for an endpoint on another transport work with no
 * trace of it on the class path, as long as no storage or dispatcher is given.
 */
class WithoutJdbcTest {
  @Test
  void anEndpointIsMeasuredWhenPumpOnPostgresqlIsAbsent() throws Exception {
    ClassLoader withoutJdbc = new WithoutJdbc(getClass().getClassLoader());
    assertThatThrownBy(() -> withoutJdbc.loadClass("dev.pump.jdbc.JdbcStorage"))
        .isInstanceOf(ClassNotFoundException.class);

    @SuppressWarnings("unchecked")
    Supplier<Set<String>> scenario =
        (Supplier<Set<String>>)
            withoutJdbc
                .loadClass(InMemoryScenario.class.getName())
                .getDeclaredConstructor()
                .newInstance();
    Set<String> meters = scenario.get();

    assertThat(meters)
        .contains(
            "messaging.process.duration",
            "messaging.client.operation.duration",
            "pump.endpoint.in.flight")
        .noneMatch(name -> name.startsWith("pump.outbox") || name.startsWith("pump.queue"));
  }

  /**
   * Hides {@code dev.pump.jdbc} and defines this module's classes itself, so that they link against
   * a class path without it.
   */
  private static final class WithoutJdbc extends ClassLoader {
    WithoutJdbc(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("dev.pump.jdbc.")) {
        throw new ClassNotFoundException(name + " is hidden");
      }
      if (!name.startsWith("dev.pump.micrometer.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          loaded = define(name);
        }
        if (resolve) {
          resolveClass(loaded);
        }
        return loaded;
      }
    }

    private Class<?> define(String name) throws ClassNotFoundException {
      try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
        if (in == null) {
          throw new ClassNotFoundException(name);
        }
        byte[] bytes = in.readAllBytes();
        return defineClass(name, bytes, 0, bytes.length);
      } catch (IOException e) {
        throw new ClassNotFoundException(name, e);
      }
    }
  }
}
