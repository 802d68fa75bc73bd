package dev.pump.spring.tests;

import java.util.Arrays;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot's own auto-configurations by name, for tests shared by Boot 3 and Boot 4, whose
 * packages differ: each name is tried as Boot 4 has it, then as Boot 3 has it.
 */
public final class BootClasses {
  private BootClasses() {}

  /** The DataSource from {@code spring.datasource.*}. */
  public static final String[] DATA_SOURCE = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"
  };

  /** The DataSourceTransactionManager. */
  public static final String[] TRANSACTION_MANAGER = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
    "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration"
  };

  /** The application's Jackson mapper: Jackson 3's JsonMapper on Boot 4, Jackson 2's on Boot 3. */
  public static final String[] JACKSON = {
    "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
    "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration"
  };

  /** The MeterRegistry. */
  public static final String[] METRICS = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration"
  };

  /** A simple MeterRegistry. */
  public static final String[] SIMPLE_METRICS = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"
  };

  /** The composite MeterRegistry. */
  public static final String[] COMPOSITE_METRICS = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
  };

  /** The auto-configurations named, each by whichever of its names this Boot has. */
  public static AutoConfigurations of(String[]... alternatives) {
    return AutoConfigurations.of(
        Arrays.stream(alternatives).map(BootClasses::load).toArray(Class<?>[]::new));
  }

  private static Class<?> load(String[] names) {
    for (String name : names) {
      if (ClassUtils.isPresent(name, BootClasses.class.getClassLoader())) {
        return ClassUtils.resolveClassName(name, BootClasses.class.getClassLoader());
      }
    }
    throw new IllegalStateException("none of " + Arrays.toString(names) + " is on the class path");
  }
}
