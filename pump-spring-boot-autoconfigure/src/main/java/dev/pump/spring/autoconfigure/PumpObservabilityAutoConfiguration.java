package dev.pump.spring.autoconfigure;

import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.micrometer.PumpMetrics;
import dev.pump.opentelemetry.PumpTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Pump's metrics ({@code pump-micrometer}) over the application's {@link MeterRegistry}, and its
 * traces ({@code pump-opentelemetry}) over the application's {@link OpenTelemetry}, when both the
 * module and the bean are there. Both are Pump {@code Telemetry} beans, which the endpoints and the
 * dispatcher are given; {@code pump.metrics.enabled} and {@code pump.tracing.enabled} turn them
 * off.
 */
@AutoConfiguration(
    before = PumpAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration"
    })
@ConditionalOnProperty(prefix = "pump", name = "enabled", matchIfMissing = true)
public class PumpObservabilityAutoConfiguration {
  /** Creates the configuration; Spring calls it. */
  public PumpObservabilityAutoConfiguration() {}

  /** Metrics over the application's MeterRegistry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({PumpMetrics.class, MeterRegistry.class})
  @ConditionalOnBean(MeterRegistry.class)
  @ConditionalOnProperty(prefix = "pump.metrics", name = "enabled", matchIfMissing = true)
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    PumpMetrics pumpMetrics(MeterRegistry registry, ObjectProvider<JdbcStorage> storage) {
      PumpMetrics.Builder builder = PumpMetrics.builder().registry(registry);
      storage.ifAvailable(builder::storage);
      return builder.build();
    }

    /** Watches every dispatcher's breakers, once the dispatchers exist. */
    @Bean
    SmartInitializingSingleton pumpMetricsMonitorsDispatchers(
        PumpMetrics metrics, ObjectProvider<OutboxDispatcher> dispatchers) {
      return () -> dispatchers.orderedStream().forEach(metrics::monitor);
    }
  }

  /** Traces over the application's OpenTelemetry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({PumpTracing.class, OpenTelemetry.class})
  @ConditionalOnBean(OpenTelemetry.class)
  @ConditionalOnProperty(prefix = "pump.tracing", name = "enabled", matchIfMissing = true)
  static class Tracing {
    @Bean
    @ConditionalOnMissingBean
    PumpTracing pumpTracing(OpenTelemetry openTelemetry) {
      return PumpTracing.create(openTelemetry);
    }
  }
}
