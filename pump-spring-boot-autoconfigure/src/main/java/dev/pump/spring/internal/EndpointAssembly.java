package dev.pump.spring.internal;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.Handler;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Serializer;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.spring.PumpEndpointCustomizer;
import dev.pump.spring.PumpEndpoints;
import dev.pump.spring.autoconfigure.PumpProperties;
import dev.pump.spring.autoconfigure.PumpProperties.EndpointProperties;
import dev.pump.spring.internal.HandlerBeans.HandlerBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Builds the application's endpoints: one per name in {@code pump.endpoints.*} and in {@code
 * PumpEndpoint} annotations (or one named after the application when neither names any), each with
 * its properties, its handler beans, the storage, transport, serializer and telemetries, and then
 * the customizers.
 */
public final class EndpointAssembly {
  private static final Logger log = LoggerFactory.getLogger(EndpointAssembly.class);

  /** The endpoint's name when nothing names one and the application has no name. */
  public static final String DEFAULT_ENDPOINT = "application";

  private final PumpProperties properties;
  private final ConfigurableListableBeanFactory beanFactory;
  private final MessageTypes messageTypes;

  /** An assembly from these properties and handler beans. */
  public EndpointAssembly(
      PumpProperties properties,
      ConfigurableListableBeanFactory beanFactory,
      MessageTypes messageTypes) {
    this.properties = properties;
    this.beanFactory = beanFactory;
    this.messageTypes = messageTypes;
  }

  /**
   * Builds the endpoints.
   *
   * @param applicationName the endpoint's name when nothing names one; null for {@link
   *     #DEFAULT_ENDPOINT}
   * @throws PumpConfigurationException naming what is wrong
   */
  public PumpEndpoints build(
      String applicationName,
      JdbcStorage storage,
      Transport transport,
      Serializer serializer,
      List<Telemetry> telemetries,
      List<PumpEndpointCustomizer> customizers) {
    List<HandlerBean> handlers = HandlerBeans.find(beanFactory);
    Set<String> names = new LinkedHashSet<>(properties.getEndpoints().keySet());
    handlers.stream().map(HandlerBean::endpoint).filter(n -> n != null).forEach(names::add);
    if (names.isEmpty()) {
      names.add(applicationName != null ? applicationName : DEFAULT_ENDPOINT);
    }
    Map<String, List<HandlerBean>> byEndpoint = new LinkedHashMap<>();
    names.forEach(name -> byEndpoint.put(name, new ArrayList<>()));
    for (HandlerBean handler : handlers) {
      String endpoint = handler.endpoint();
      if (endpoint == null) {
        if (names.size() > 1) {
          throw new PumpConfigurationException(
              "handler bean "
                  + handler.beanName()
                  + " has no @PumpEndpoint, and the application has the endpoints "
                  + names
                  + ": annotate it, or its @Bean method, with @PumpEndpoint(\"<endpoint>\")");
        }
        endpoint = names.iterator().next();
      }
      byEndpoint.get(endpoint).add(handler);
    }
    Map<Endpoint, Boolean> endpoints = new LinkedHashMap<>();
    for (Map.Entry<String, List<HandlerBean>> entry : byEndpoint.entrySet()) {
      String name = entry.getKey();
      EndpointBuilder builder =
          Endpoint.builder()
              .name(name)
              .transport(transport)
              .storage(storage)
              .serializer(serializer)
              .classLoader(beanFactory.getBeanClassLoader());
      EndpointProperties settings =
          properties.getEndpoints().getOrDefault(name, new EndpointProperties());
      apply(name, settings, builder);
      if (settings.getConcurrency() == null) {
        fitConcurrency(name, storage, transport, builder);
      }
      telemetries.forEach(builder::telemetry);
      for (HandlerBean handler : entry.getValue()) {
        register(builder, handler);
      }
      for (PumpEndpointCustomizer customizer : customizers) {
        customizer.customize(name, builder);
      }
      endpoints.put(builder.build(), !entry.getValue().isEmpty());
    }
    return new PumpEndpoints(endpoints);
  }

  /**
   * An endpoint without a configured concurrency gets the builder's default (the processors) only
   * if it fits the application's pool with a fifth of it (at least one message's connections) to
   * spare for the dispatcher, the cleaner and the application's own work; else as many as fit, at
   * least one. Spring Boot's pool has 10 connections and a message of the PostgreSQL transport
   * holds two, so a machine of more than 5 processors would otherwise refuse to start.
   */
  private static void fitConcurrency(
      String name, JdbcStorage storage, Transport transport, EndpointBuilder builder) {
    OptionalInt largest = storage.largestConcurrency(transport);
    if (largest.isEmpty()) {
      return;
    }
    int most = largest.getAsInt();
    int fitting = Math.max(1, most - Math.max(1, most / 5));
    if (fitting < EndpointBuilder.DEFAULT_CONCURRENCY) {
      log.info(
          "Endpoint {} handles up to {} messages at once, to fit the connection pool; set"
              + " pump.endpoints.{}.concurrency to choose",
          name,
          fitting,
          name);
      builder.concurrency(fitting);
    }
  }

  private void apply(String name, EndpointProperties settings, EndpointBuilder builder) {
    if (settings.getInputQueue() != null) {
      builder.inputQueue(settings.getInputQueue());
    }
    if (settings.getConcurrency() != null) {
      builder.concurrency(settings.getConcurrency());
    }
    if (settings.getMessagesPerTransaction() != null) {
      builder.messagesPerTransaction(settings.getMessagesPerTransaction());
    }
    if (settings.getStopGrace() != null) {
      builder.stopGrace(settings.getStopGrace());
    }
    if (settings.getAutoSubscribe() != null) {
      builder.autoSubscribe(settings.getAutoSubscribe());
    }
    Recoverability recoverability = recoverability(settings);
    if (recoverability != null) {
      builder.recoverability(recoverability);
    }
    settings
        .getRoutes()
        .forEach((type, destination) ->
            builder.route(
                messageTypes.resolve("pump.endpoints." + name + ".routes", type), destination));
  }

  private static Recoverability recoverability(EndpointProperties settings) {
    if (settings.getImmediateRetries() == null
        && settings.getDelayedRetries() == null
        && settings.getDelayedRetryIncrement() == null
        && settings.getErrorQueue() == null
        && settings.getMaxDeliveries() == null) {
      return null;
    }
    Recoverability.Builder recoverability = Recoverability.builder();
    if (settings.getImmediateRetries() != null) {
      recoverability.immediateRetries(settings.getImmediateRetries());
    }
    if (settings.getDelayedRetries() != null) {
      recoverability.delayedRetries(settings.getDelayedRetries());
    }
    if (settings.getDelayedRetryIncrement() != null) {
      recoverability.delayedRetryIncrement(settings.getDelayedRetryIncrement());
    }
    if (settings.getErrorQueue() != null) {
      recoverability.errorQueue(settings.getErrorQueue());
    }
    if (settings.getMaxDeliveries() != null) {
      recoverability.maxDeliveries(settings.getMaxDeliveries());
    }
    return recoverability.build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void register(EndpointBuilder builder, HandlerBean handler) {
    Class type = handler.messageType();
    if (handler.singleton()) {
      builder.handler(type, beanFactory.getBean(handler.beanName(), Handler.class));
    } else {
      builder.handlerFactory(type, () -> beanFactory.getBean(handler.beanName(), Handler.class));
    }
  }
}
