package dev.pump.spring.autoconfigure;

import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.spring.PumpEndpoints;
import dev.pump.spring.actuate.PumpOperationsEndpoint;
import dev.pump.spring.internal.Boot3HealthIndicator;
import dev.pump.spring.internal.Boot4HealthIndicator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Pump in Spring Boot's Actuator: the health indicator {@code pump} (on Boot 3's or Boot 4's health
 * API, whichever the application has; {@code management.health.pump.enabled=false} turns it off)
 * and the endpoint {@code pump}.
 */
@AutoConfiguration(after = PumpAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(PumpEndpoints.class)
public class PumpActuatorAutoConfiguration {
  /** Creates the configuration; Spring calls it. */
  public PumpActuatorAutoConfiguration() {}

  /** The {@code pump} endpoint, when exposed. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint(endpoint = PumpOperationsEndpoint.class)
  public PumpOperationsEndpoint pumpOperationsEndpoint(
      JdbcStorage storage, Transport transport, PumpProperties properties) {
    Set<String> errorQueues = new LinkedHashSet<>();
    errorQueues.add(Recoverability.DEFAULT_ERROR_QUEUE);
    properties.getEndpoints().values().stream()
        .map(PumpProperties.EndpointProperties::getErrorQueue)
        .filter(queue -> queue != null)
        .forEach(errorQueues::add);
    return new PumpOperationsEndpoint(storage, transport, errorQueues);
  }

  /** Boot 4's health API. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(prefix = "management.health.pump", name = "enabled", matchIfMissing = true)
  static class Boot4Health {
    @Bean
    @ConditionalOnMissingBean(name = "pumpHealthIndicator")
    Boot4HealthIndicator pumpHealthIndicator(
        PumpEndpoints endpoints, ObjectProvider<OutboxDispatcher> dispatchers) {
      return new Boot4HealthIndicator(endpoints, dispatchers);
    }
  }

  /** Boot 3's health API. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(prefix = "management.health.pump", name = "enabled", matchIfMissing = true)
  static class Boot3Health {
    @Bean
    @ConditionalOnMissingBean(name = "pumpHealthIndicator")
    Boot3HealthIndicator pumpHealthIndicator(
        PumpEndpoints endpoints, ObjectProvider<OutboxDispatcher> dispatchers) {
      return new Boot3HealthIndicator(endpoints, dispatchers);
    }
  }
}
