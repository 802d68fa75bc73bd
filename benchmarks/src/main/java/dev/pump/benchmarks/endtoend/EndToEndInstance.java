package dev.pump.benchmarks.endtoend;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.harness.Brokers;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.Observed;
import dev.pump.benchmarks.harness.TimedTransport;
import dev.pump.benchmarks.harness.Timeline;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.core.Endpoint;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.jdbc.RetentionCleaner;
import dev.pump.kafka.KafkaTransport;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.time.Duration;
import java.util.List;

/**
 * One instance of the service, as one process of it would run: its own pool and storage, its own
 * transport (receivers, wake-ups, broker connection), the endpoint, a dispatcher and a retention
 * cleaner. Several of them on one input queue are competing consumers.
 */
final class EndToEndInstance implements AutoCloseable {
  private static final Duration SOAK_SAMPLING = Duration.ofSeconds(5);
  private static final Duration DEFAULT_SAMPLING =
      dev.pump.micrometer.PumpMetrics.DEFAULT_SAMPLING_INTERVAL;

  private final HikariDataSource pool;
  private final JdbcStorage storage;
  private final Transport transport;
  private final Endpoint endpoint;
  private final OutboxDispatcher dispatcher;
  private final RetentionCleaner cleaner;
  private final Observed observed;

  EndToEndInstance(
      Database database,
      Brokers brokers,
      EndToEndService.Settings settings,
      Timeline timeline,
      int index) {
    // a batch holds one connection for its transaction, but a quiet queue makes batches of one,
    // so every permit may hold one; plus the receivers, the dispatcher's claim and send, cleanup,
    // the notifier
    this.pool = database.pool(EndToEndService.APPLICATION, settings.concurrency() + 6, null);
    JdbcStorage.Builder builder = Database.storageBuilder(pool);
    if (settings.retention() != null) {
      builder.inboxRetention(settings.retention()).outboxRetention(settings.retention());
    }
    this.storage = builder.build();
    Transport raw =
        settings.kind() == TransportKind.KAFKA
            ? KafkaTransport.builder()
                .bootstrapServers(brokers.kafkaBootstrap())
                .clientId(EndToEndService.APPLICATION + "-" + (index + 1))
                .maxInFlight(2 * settings.concurrency()) // as docs/kafka.md advises
                .build()
            : settings.kind() == TransportKind.RABBITMQ
                ? RabbitMqTransport.builder()
                    .uri(brokers.rabbitUri())
                    .connectionName(
                        index == 0
                            ? EndToEndService.APPLICATION
                            : EndToEndService.APPLICATION + "-" + (index + 1))
                    .prefetch(settings.concurrency())
                    .build()
                : PostgresTransport.builder().storage(storage).build();
    this.transport = new TimedTransport(raw, timeline, EndToEndService.OUTPUT);
    transport.createQueue(EndToEndService.OUTPUT);
    // the soak samples the outbox and queues often enough to draw them
    this.observed =
        settings.observed()
            ? new Observed(
                storage, settings.cleanupInterval() != null ? SOAK_SAMPLING : DEFAULT_SAMPLING)
            : null;
    List<Telemetry> telemetries = observed == null ? List.of() : observed.telemetries();
    this.endpoint =
        EndToEndService.endpoint(
            transport,
            storage,
            settings.concurrency(),
            settings.messagesPerTransaction(),
            telemetries);
    OutboxDispatcher.Builder dispatcherBuilder =
        OutboxDispatcher.builder().storage(storage).transport(transport);
    telemetries.forEach(dispatcherBuilder::telemetry);
    if (settings.cleanupInterval() != null) {
      // retries must end within the (short) inbox retention; nothing fails here anyway
      dispatcherBuilder
          .maxAttempts(3)
          .retryBackoff(Duration.ofSeconds(1))
          .maxRetryBackoff(Duration.ofSeconds(5));
    }
    this.dispatcher = dispatcherBuilder.build();
    if (observed != null) {
      observed.monitor(dispatcher);
    }
    RetentionCleaner.Builder cleanerBuilder = RetentionCleaner.builder().storage(storage);
    if (settings.cleanupInterval() != null) {
      cleanerBuilder.interval(settings.cleanupInterval());
    }
    this.cleaner = cleanerBuilder.build();
  }

  void start() {
    if (observed != null) {
      observed.start();
    }
    endpoint.start();
    dispatcher.start();
    cleaner.start();
  }

  /** Pump's metrics and traces of this instance, or null when not observed. */
  Observed observed() {
    return observed;
  }

  OutboxDispatcher dispatcher() {
    return dispatcher;
  }

  @Override
  public void close() {
    endpoint.stop(Duration.ofSeconds(10));
    dispatcher.stop(Duration.ofSeconds(10));
    cleaner.stop(Duration.ofSeconds(5));
    if (observed != null) {
      observed.close();
    }
    transport.close();
    storage.close();
    pool.close();
  }
}
