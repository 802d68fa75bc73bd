package dev.pump.spring.tests.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.core.Endpoint;
import dev.pump.core.Handler;
import dev.pump.core.spi.Serializer;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.jdbc.RetentionCleaner;
import dev.pump.micrometer.PumpMetrics;
import dev.pump.opentelemetry.PumpTracing;
import dev.pump.spring.PumpEndpoint;
import dev.pump.spring.PumpEndpoints;
import dev.pump.spring.PumpSender;
import dev.pump.spring.SpringTransactionHost;
import dev.pump.spring.actuate.PumpOperationsEndpoint;
import dev.pump.spring.autoconfigure.PumpActuatorAutoConfiguration;
import dev.pump.spring.autoconfigure.PumpAutoConfiguration;
import dev.pump.spring.autoconfigure.PumpObservabilityAutoConfiguration;
import dev.pump.spring.internal.PumpConfigurationFailureAnalyzer;
import dev.pump.spring.tests.BootClasses;
import dev.pump.spring.tests.SpringDatabases;
import dev.pump.spring.tests.config.Messages.Ping;
import dev.pump.spring.tests.config.Messages.Pinged;
import dev.pump.testkit.TestDatabase;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every condition and back-off of Pump's auto-configuration, with {@link ApplicationContextRunner}
 * on a real PostgreSQL database.
 */
class AutoConfigurationTest {
  private static final TestDatabase DATABASE = SpringDatabases.of(AutoConfigurationTest.class);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              BootClasses.of(
                  BootClasses.DATA_SOURCE, BootClasses.TRANSACTION_MANAGER, BootClasses.JACKSON))
          .withConfiguration(AutoConfigurations.of(PumpAutoConfiguration.class))
          .withPropertyValues(
              "spring.datasource.url=" + DATABASE.jdbcUrl(),
              "spring.datasource.username=" + DATABASE.user(),
              "spring.datasource.password=" + DATABASE.password());

  @Test
  void theDefaultsAreEveryBeanOnTheApplicationsDataSourceAndTransactionManager() {
    runner
        .withPropertyValues("spring.application.name=orders")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context)
              .hasSingleBean(JdbcStorage.class)
              .hasSingleBean(SpringTransactionHost.class)
              .hasSingleBean(PumpEndpoints.class)
              .hasSingleBean(PumpSender.class)
              .hasSingleBean(OutboxDispatcher.class)
              .hasSingleBean(RetentionCleaner.class)
              .hasSingleBean(Serializer.class);
          assertThat(context.getBean(Transport.class)).isInstanceOf(PostgresTransport.class);
          assertThat(context.getBean(PumpEndpoints.class).all())
              .extracting(Endpoint::name)
              .containsExactly("orders");
          assertThat(context.getBean(PumpSender.class).endpoint().name()).isEqualTo("orders");
        });
  }

  @Test
  void theApplicationsOwnBeansWin() {
    runner
        .withUserConfiguration(OwnBeans.class)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(JdbcStorage.class)).isSameAs(OwnBeans.storage);
          assertThat(context.getBean(Serializer.class)).isSameAs(OwnBeans.SERIALIZER);
          assertThat(context).hasSingleBean(Transport.class).hasBean("ownTransport");
          assertThat(context).hasSingleBean(OutboxDispatcher.class).hasBean("ownDispatcher");
          assertThat(context).hasSingleBean(RetentionCleaner.class).hasBean("ownCleaner");
          assertThat(context).hasSingleBean(SpringTransactionHost.class).hasBean("ownHost");
        });
  }

  @Test
  void messageBodiesUseTheApplicationsJacksonMapperBean() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      String expected =
          org.springframework.boot.SpringBootVersion.getVersion().startsWith("3.")
              ? "dev.pump.jackson2.Jackson2Serializer"
              : "dev.pump.core.serialization.JsonSerializer";
      assertThat(context.getBean(Serializer.class).getClass().getName()).isEqualTo(expected);
    });
  }

  @Test
  void withoutAJacksonMapperBeanPumpUsesItsOwnJackson3OrSaysWhyItCannot() {
    new ApplicationContextRunner()
        .withConfiguration(BootClasses.of(BootClasses.DATA_SOURCE, BootClasses.TRANSACTION_MANAGER))
        .withConfiguration(AutoConfigurations.of(PumpAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + DATABASE.jdbcUrl(),
            "spring.datasource.username=" + DATABASE.user(),
            "spring.datasource.password=" + DATABASE.password())
        .run(context -> {
          if (org.springframework.boot.SpringBootVersion.getVersion().startsWith("3.")) {
            // Boot 3's own jackson-annotations is older than Jackson 3 needs
            assertThat(context)
                .hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("but 2.19")
                .hasMessageContaining("add dev.pump:pump-jackson2");
          } else {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Serializer.class))
                .isInstanceOf(dev.pump.core.serialization.JsonSerializer.class);
          }
        });
  }

  @Test
  void pumpEnabledFalseTurnsItOff() {
    runner
        .withPropertyValues("pump.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(JdbcStorage.class));
  }

  @Test
  void withoutADataSourceThereIsNoPump() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PumpAutoConfiguration.class))
        .run(context ->
            assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(JdbcStorage.class)
                .doesNotHaveBean(PumpEndpoints.class));
  }

  @Test
  void withoutATransactionManagerTheStorageRunsItsOwnTransactions() {
    new ApplicationContextRunner()
        .withConfiguration(BootClasses.of(BootClasses.DATA_SOURCE, BootClasses.JACKSON))
        .withConfiguration(AutoConfigurations.of(PumpAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + DATABASE.jdbcUrl(),
            "spring.datasource.username=" + DATABASE.user(),
            "spring.datasource.password=" + DATABASE.password())
        .run(context -> {
          assertThat(context)
              .hasNotFailed()
              .hasSingleBean(JdbcStorage.class)
              .doesNotHaveBean(SpringTransactionHost.class)
              .doesNotHaveBean(PumpSender.class);
          JdbcStorage storage = context.getBean(JdbcStorage.class);
          Endpoint endpoint = context.getBean(PumpEndpoints.class).all().iterator().next();
          storage.inTransaction(
              endpoint,
              (handle, sender) -> {
                sender.send("nowhere", new Ping("own-transaction"));
                return null;
              });
          long rows =
              storage
                  .jdbi()
                  .withHandle(h ->
                      h.createQuery(
                              "SELECT count(*) FROM pump.outbox WHERE destination = 'nowhere'")
                          .mapTo(Long.class)
                          .one());
          assertThat(rows).isOne();
        });
  }

  @Test
  void joinSpringTransactionsFalseKeepsTheStorageOutOfSpringsTransactions() {
    runner
        .withPropertyValues("pump.storage.join-spring-transactions=false")
        .run(context ->
            assertThat(context)
                .hasNotFailed()
                .hasSingleBean(JdbcStorage.class)
                .doesNotHaveBean(SpringTransactionHost.class)
                .hasSingleBean(PumpSender.class));
  }

  @Test
  void theDispatcherAndTheCleanerCanBeTurnedOff() {
    runner
        .withPropertyValues("pump.dispatcher.enabled=false", "pump.retention.enabled=false")
        .run(context ->
            assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(OutboxDispatcher.class)
                .doesNotHaveBean(RetentionCleaner.class)
                .hasSingleBean(PumpEndpoints.class));
  }

  @Test
  void propertiesSetTheEndpointsAndHandlerBeansFindTheirs() {
    runner
        .withUserConfiguration(TwoEndpoints.class)
        .withPropertyValues(
            "pump.endpoints.billing.input-queue=billing-in",
            "pump.endpoints.billing.concurrency=3",
            "pump.endpoints.billing.routes[dev.pump.spring.tests.config.Messages.Ping]=shipping",
            "pump.sender.endpoint=billing")
        .run(context -> {
          assertThat(context).hasNotFailed();
          PumpEndpoints endpoints = context.getBean(PumpEndpoints.class);
          assertThat(endpoints.all())
              .extracting(Endpoint::name)
              .containsExactly("billing", "shipping");
          Endpoint billing = endpoints.get("billing").orElseThrow();
          assertThat(billing.inputQueue()).isEqualTo("billing-in");
          assertThat(billing.health().concurrency()).isEqualTo(3);
          assertThat(endpoints.receiving()).extracting(Endpoint::name).contains("shipping");
          assertThat(context.getBean(PumpSender.class).endpoint()).isSameAs(billing);
        });
  }

  @Test
  void anEndpointWithoutAConfiguredConcurrencyFitsTheApplicationsPool() {
    // a message of the PostgreSQL transport holds two connections under Spring's transactions:
    // the machine's processors (at least 2) would need 4 of a pool of 3 and refuse to start
    runner
        .withUserConfiguration(TwoEndpoints.class)
        .withPropertyValues(
            "spring.datasource.hikari.maximum-pool-size=3", "pump.sender.endpoint=billing")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(PumpEndpoints.class).all())
              .allSatisfy(endpoint -> assertThat(endpoint.health().concurrency()).isEqualTo(1));
        });
    runner
        .withUserConfiguration(TwoEndpoints.class)
        .withPropertyValues(
            "spring.datasource.hikari.maximum-pool-size=3",
            "pump.sender.endpoint=billing",
            "pump.endpoints.billing.concurrency=2")
        .run(context ->
            assertThat(context)
                .as("a concurrency the application chose is held to the pool, not lowered")
                .hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("but the storage's pool has 3"));
    runner
        .withUserConfiguration(TwoEndpoints.class)
        .withPropertyValues(
            "spring.datasource.hikari.maximum-pool-size=40", "pump.sender.endpoint=billing")
        .run(context ->
            assertThat(context.getBean(PumpEndpoints.class).all())
                .allSatisfy(endpoint ->
                    assertThat(endpoint.health().concurrency())
                        .isEqualTo(dev.pump.core.EndpointBuilder.DEFAULT_CONCURRENCY)));
  }

  @Test
  void anUnannotatedHandlerAmongSeveralEndpointsFailsStartUpNamingIt() {
    runner
        .withUserConfiguration(TwoEndpoints.class, Unannotated.class)
        .withPropertyValues("pump.sender.endpoint=billing")
        .run(context ->
            assertThat(context)
                .hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("handler bean strayHandler has no @PumpEndpoint"));
  }

  @Test
  void anInvalidValueFailsStartUpWithPumpsMessageThroughTheFailureAnalyzer() {
    runner
        .withPropertyValues("pump.dispatcher.max-batch-messages=0")
        .run(context -> {
          assertThat(context).hasFailed();
          FailureAnalysis analysis =
              new PumpConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
          assertThat(analysis).isNotNull();
          assertThat(analysis.getDescription())
              .contains("dispatcher.maxBatchMessages must be between 1 and 10000, was 0");
          assertThat(analysis.getAction()).contains("pump.dispatcher.max-batch-messages");
        });
  }

  @Test
  void metricsAndTracesAreWiredWhenTheApplicationHasAMeterRegistryAndOpenTelemetry() {
    runner
        .withConfiguration(
            BootClasses.of(
                BootClasses.METRICS, BootClasses.SIMPLE_METRICS, BootClasses.COMPOSITE_METRICS))
        .withConfiguration(AutoConfigurations.of(PumpObservabilityAutoConfiguration.class))
        .withBean(OpenTelemetry.class, OpenTelemetry::noop)
        .run(context ->
            assertThat(context)
                .hasNotFailed()
                .hasSingleBean(PumpMetrics.class)
                .hasSingleBean(PumpTracing.class));
  }

  @Test
  void withoutAMeterRegistryOrOpenTelemetryOrWhenTurnedOffThereAreNone() {
    runner
        .withConfiguration(AutoConfigurations.of(PumpObservabilityAutoConfiguration.class))
        .run(context ->
            assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(PumpMetrics.class)
                .doesNotHaveBean(PumpTracing.class));
    runner
        .withConfiguration(
            BootClasses.of(
                BootClasses.METRICS, BootClasses.SIMPLE_METRICS, BootClasses.COMPOSITE_METRICS))
        .withConfiguration(AutoConfigurations.of(PumpObservabilityAutoConfiguration.class))
        .withBean(OpenTelemetry.class, OpenTelemetry::noop)
        .withPropertyValues("pump.metrics.enabled=false", "pump.tracing.enabled=false")
        .run(context ->
            assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(PumpMetrics.class)
                .doesNotHaveBean(PumpTracing.class));
  }

  @Test
  void theActuatorGetsTheHealthIndicatorAndTheEndpointWhenExposed() {
    runner
        .withConfiguration(AutoConfigurations.of(PumpActuatorAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=pump")
        .run(context ->
            assertThat(context)
                .hasNotFailed()
                .hasBean("pumpHealthIndicator")
                .hasSingleBean(PumpOperationsEndpoint.class));
    runner
        .withConfiguration(AutoConfigurations.of(PumpActuatorAutoConfiguration.class))
        .withPropertyValues("management.health.pump.enabled=false")
        .run(context ->
            assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean("pumpHealthIndicator")
                .doesNotHaveBean(PumpOperationsEndpoint.class));
  }

  /** The application's own beans of every kind. */
  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    // the application's own serializer, on neither Jackson: plain text bodies
    static final Serializer SERIALIZER =
        new Serializer() {
          @Override
          public String contentType() {
            return "text/plain";
          }

          @Override
          public byte[] serialize(Object message) {
            return message.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
          }

          @Override
          public <T> T deserialize(byte[] body, Class<T> type) {
            throw new UnsupportedOperationException("this test only builds the context");
          }
        };
    static JdbcStorage storage;

    @Bean
    JdbcStorage ownStorage(javax.sql.DataSource dataSource) {
      storage = JdbcStorage.builder().dataSource(dataSource).schema("own_pump").build();
      return storage;
    }

    @Bean
    Serializer ownSerializer() {
      return SERIALIZER;
    }

    @Bean
    Transport ownTransport(JdbcStorage storage) {
      return PostgresTransport.builder().storage(storage).build();
    }

    @Bean
    OutboxDispatcher ownDispatcher(JdbcStorage storage, Transport transport) {
      return OutboxDispatcher.builder().storage(storage).transport(transport).build();
    }

    @Bean
    RetentionCleaner ownCleaner(JdbcStorage storage) {
      return RetentionCleaner.builder().storage(storage).build();
    }

    @Bean
    SpringTransactionHost ownHost(
        org.springframework.transaction.PlatformTransactionManager manager,
        javax.sql.DataSource dataSource) {
      return new SpringTransactionHost(manager, dataSource);
    }
  }

  /** Two endpoints named by annotations on @Bean methods, with lambda handlers. */
  @Configuration(proxyBeanMethods = false)
  static class TwoEndpoints {
    @Bean
    @PumpEndpoint("shipping")
    Handler<Pinged> shipOnPinged() {
      return (event, context) -> {};
    }

    @Bean
    @PumpEndpoint("billing")
    Handler<Ping> chargeOnPing() {
      return (command, context) -> {};
    }
  }

  /** A handler that names no endpoint. */
  @Configuration(proxyBeanMethods = false)
  static class Unannotated {
    @Bean
    Handler<Ping> strayHandler() {
      return (command, context) -> {};
    }
  }
}
