package dev.pump.spring.autoconfigure;

import dev.pump.core.Endpoint;
import dev.pump.core.Lifecycle;
import dev.pump.core.PumpConfigurationException;
import dev.pump.core.spi.Serializer;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.jdbc.RetentionCleaner;
import dev.pump.spring.PumpEndpointCustomizer;
import dev.pump.spring.PumpEndpoints;
import dev.pump.spring.PumpSender;
import dev.pump.spring.SpringTransactionHost;
import dev.pump.spring.internal.EndpointAssembly;
import dev.pump.spring.internal.MessageTypes;
import dev.pump.spring.internal.PumpLifecycle;
import dev.pump.spring.internal.SerializerChoice;
import dev.pump.spring.internal.ShutdownBudget;
import dev.pump.spring.internal.ShutdownGrace;
import dev.pump.spring.internal.VersionCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Pump on the application's DataSource: a {@link JdbcStorage} whose message transactions run in
 * Spring's transaction manager, a {@link PostgresTransport}, the endpoints of {@code
 * pump.endpoints.*} with the application's handler beans, a {@link PumpSender} for
 * {@code @Transactional} code, an {@link OutboxDispatcher} and a {@link RetentionCleaner}, started
 * when the context is ready and stopped gracefully at shutdown. Every bean backs off when the
 * application defines its own of the same type.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
      "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration",
      "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
      "org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration",
      "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
      "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration",
      "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration"
    })
@ConditionalOnClass({JdbcStorage.class, DataSource.class, PlatformTransactionManager.class})
@ConditionalOnProperty(prefix = "pump", name = "enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(PumpProperties.class)
public class PumpAutoConfiguration {
  /**
   * Creates the configuration, first checking that Spring Boot's version fits Pump's (Jackson's are
   * checked where Pump would use Jackson 3); Spring calls it.
   *
   * @throws PumpConfigurationException naming the versions that do not fit
   */
  public PumpAutoConfiguration(ConfigurableListableBeanFactory beanFactory) {
    VersionCheck.checkBoot();
  }

  /**
   * Pump's message transactions in the application's transaction manager, unless {@code
   * pump.storage.join-spring-transactions} is false.
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnSingleCandidate(PlatformTransactionManager.class)
  @ConditionalOnProperty(
      prefix = "pump.storage",
      name = "join-spring-transactions",
      matchIfMissing = true)
  public SpringTransactionHost pumpTransactionHost(
      PlatformTransactionManager transactionManager, DataSource dataSource) {
    return new SpringTransactionHost(transactionManager, dataSource);
  }

  /** The storage on the application's DataSource, migrated unless told not to. */
  @Bean
  @ConditionalOnMissingBean
  public JdbcStorage pumpStorage(
      DataSource dataSource,
      PumpProperties properties,
      ObjectProvider<SpringTransactionHost> transactionHost) {
    PumpProperties.Storage storage = properties.getStorage();
    JdbcStorage.Builder builder =
        JdbcStorage.builder()
            .dataSource(dataSource)
            .schema(storage.getSchema())
            .migrate(storage.isMigrate())
            .isolation(storage.getIsolation())
            .inboxRetention(storage.getInboxRetention())
            .outboxRetention(storage.getOutboxRetention());
    SpringTransactionHost host = transactionHost.getIfAvailable();
    if (host != null && storage.isJoinSpringTransactions()) {
      builder.transactionHost(host);
    }
    return builder.build();
  }

  /** The PostgreSQL queue transport on the storage; an application may bring another. */
  @Bean
  @ConditionalOnMissingBean
  public Transport pumpTransport(JdbcStorage storage) {
    return PostgresTransport.builder().storage(storage).build();
  }

  /** The endpoints, with their handler beans. */
  @Bean
  @ConditionalOnMissingBean
  public PumpEndpoints pumpEndpoints(
      PumpProperties properties,
      ConfigurableListableBeanFactory beanFactory,
      Environment environment,
      JdbcStorage storage,
      Transport transport,
      Serializer serializer,
      ObjectProvider<Telemetry> telemetries,
      ObjectProvider<PumpEndpointCustomizer> customizers) {
    List<String> packages =
        AutoConfigurationPackages.has(beanFactory)
            ? AutoConfigurationPackages.get(beanFactory)
            : List.of();
    EndpointAssembly assembly =
        new EndpointAssembly(
            properties, beanFactory, new MessageTypes(beanFactory.getBeanClassLoader(), packages));
    return assembly.build(
        environment.getProperty("spring.application.name"),
        storage,
        transport,
        serializer,
        telemetries.orderedStream().toList(),
        customizers.orderedStream().toList());
  }

  /**
   * Sends from {@code @Transactional} code, as the endpoint {@code pump.sender.endpoint} (default
   * the only one).
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(PlatformTransactionManager.class)
  public PumpSender pumpSender(
      JdbcStorage storage, PumpEndpoints endpoints, PumpProperties properties) {
    String name = properties.getSender().getEndpoint();
    Endpoint endpoint;
    if (name != null) {
      endpoint =
          endpoints
              .get(name)
              .orElseThrow(() ->
                  new PumpConfigurationException(
                      "pump.sender.endpoint names no endpoint: "
                          + name
                          + "; the endpoints are "
                          + endpoints));
    } else if (endpoints.all().size() == 1) {
      endpoint = endpoints.all().iterator().next();
    } else {
      throw new PumpConfigurationException(
          "pump.sender.endpoint must name the endpoint PumpSender sends as: the application has "
              + endpoints);
    }
    return new PumpSender(storage, endpoint);
  }

  /** The outbox dispatcher, unless {@code pump.dispatcher.enabled} is false. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "pump.dispatcher", name = "enabled", matchIfMissing = true)
  public OutboxDispatcher pumpDispatcher(
      JdbcStorage storage,
      Transport transport,
      PumpProperties properties,
      ObjectProvider<Telemetry> telemetries) {
    PumpProperties.Dispatcher settings = properties.getDispatcher();
    OutboxDispatcher.Builder builder =
        OutboxDispatcher.builder().storage(storage).transport(transport);
    if (settings.getMaxBatchMessages() != null) {
      builder.maxBatchMessages(settings.getMaxBatchMessages());
    }
    if (settings.getMaxBatchBytes() != null) {
      builder.maxBatchBytes(settings.getMaxBatchBytes().toBytes());
    }
    if (settings.getClaimSize() != null) {
      builder.claimSize(settings.getClaimSize());
    }
    if (settings.getPollInterval() != null) {
      builder.pollInterval(settings.getPollInterval());
    }
    if (settings.getMaxAttempts() != null) {
      builder.maxAttempts(settings.getMaxAttempts());
    }
    if (settings.getSendParallelism() != null) {
      builder.sendParallelism(settings.getSendParallelism());
    }
    if (settings.getSendTimeout() != null) {
      builder.sendTimeout(settings.getSendTimeout());
    }
    if (settings.getBatchWindow() != null) {
      builder.batchWindow(settings.getBatchWindow());
    }
    telemetries.orderedStream().forEach(builder::telemetry);
    return builder.build();
  }

  /** The retention cleaner, unless {@code pump.retention.enabled} is false. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "pump.retention", name = "enabled", matchIfMissing = true)
  public RetentionCleaner pumpRetentionCleaner(JdbcStorage storage, PumpProperties properties) {
    RetentionCleaner.Builder builder = RetentionCleaner.builder().storage(storage);
    if (properties.getRetention().getInterval() != null) {
      builder.interval(properties.getRetention().getInterval());
    }
    if (properties.getRetention().getBatchSize() != null) {
      builder.batchSize(properties.getRetention().getBatchSize());
    }
    return builder.build();
  }

  /** Starts the endpoints that have handlers when the context is ready; stops them gracefully. */
  @Bean
  PumpLifecycle pumpEndpointsLifecycle(PumpEndpoints endpoints, ShutdownBudget pumpShutdownBudget) {
    return PumpLifecycle.endpoints(endpoints.receiving(), pumpShutdownBudget);
  }

  /** The shutdown grace the two lifecycle groups share. */
  @Bean
  ShutdownBudget pumpShutdownBudget(PumpProperties properties, Environment environment) {
    Duration grace = properties.getShutdownGrace();
    ShutdownGrace.warnIfBootWaitsLess(grace, environment);
    return new ShutdownBudget(grace);
  }

  /**
   * Starts the dispatcher, the cleaner and telemetries that run (the metrics sampler) before the
   * endpoints; stops them after.
   */
  @Bean
  PumpLifecycle pumpWorkersLifecycle(
      ShutdownBudget pumpShutdownBudget,
      ObjectProvider<OutboxDispatcher> dispatchers,
      ObjectProvider<RetentionCleaner> cleaners,
      ObjectProvider<Telemetry> telemetries) {
    List<Lifecycle> workers = new ArrayList<>();
    telemetries
        .orderedStream()
        .filter(t -> t instanceof Lifecycle)
        .forEach(t -> workers.add((Lifecycle) t));
    dispatchers.orderedStream().forEach(workers::add);
    cleaners.orderedStream().forEach(workers::add);
    return PumpLifecycle.workers(workers, pumpShutdownBudget);
  }

  /**
   * Message bodies as JSON with the application's own Jackson mapper: Boot 3's Jackson 2 {@code
   * ObjectMapper} when the application has {@code pump-jackson2} (Pump then never loads Jackson 3),
   * else Boot 4's Jackson 3 {@code JsonMapper}, else Pump's own Jackson 3 serializer. Where Jackson
   * 3 is used, its versions are checked first.
   */
  @Bean
  @ConditionalOnMissingBean
  public Serializer pumpSerializer(ConfigurableListableBeanFactory beanFactory) {
    return SerializerChoice.of(beanFactory, classLoaderOf(beanFactory));
  }

  private static ClassLoader classLoaderOf(ConfigurableListableBeanFactory beanFactory) {
    ClassLoader classLoader = beanFactory.getBeanClassLoader();
    return classLoader != null ? classLoader : PumpAutoConfiguration.class.getClassLoader();
  }
}
