package dev.pump.benchmarks.endtoend;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.harness.Brokers;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.Sink;
import dev.pump.benchmarks.harness.TimedTransport;
import dev.pump.benchmarks.harness.Timeline;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.core.Context;
import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.Handler;
import dev.pump.core.SendOptions;
import dev.pump.core.internal.shared.BufferedSender;
import dev.pump.core.internal.shared.Endpoints;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.jdbc.JdbcContext;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.kafka.KafkaTransport;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The service of scenarios 3 and 4, running: messages arrive in an input queue; an endpoint handles
 * them in batches, each message with the inbox, one business insert and one send (an outbox row), a
 * batch in one transaction; the {@link OutboxDispatcher} relays the sends to an output queue, which
 * a {@link Sink} empties in bulk (the downstream consumer is not what is measured). A producer
 * enqueues the incoming messages as another application would: through a transport of its own (its
 * own pool, or its own broker connection), one message per send. The service runs as one or more
 * {@link EndToEndInstance}s (competing consumers on the input queue). Everything Pump does goes
 * through a {@link TimedTransport}, so a {@link Timeline} sees each commit and each dispatch.
 */
public final class EndToEndService implements AutoCloseable {
  public static final String INPUT = "pump-bench-e2e-in";
  public static final String OUTPUT = "pump-bench-e2e-out";
  static final String ERRORS = "pump-bench-e2e-error";
  static final String ENDPOINT = "bench-e2e";
  static final String APPLICATION = "pump-bench-e2e";
  static final String PRODUCER_APPLICATION = "pump-bench-e2e-producer";

  /** The tables the service writes: emptied before each run, their row changes reported. */
  public static final List<String> TABLES =
      List.of(
          Database.PUMP_SCHEMA + ".queue_message",
          Database.PUMP_SCHEMA + ".inbox",
          Database.PUMP_SCHEMA + ".outbox",
          Workload.BUSINESS_TABLE);

  /**
   * How the service is set up.
   *
   * @param kind the transport the messages arrive and leave on
   * @param concurrency each endpoint's concurrency
   * @param messagesPerTransaction each endpoint's batch: messages handled in one transaction
   * @param instances instances of the service on the input queue, each its own process in effect
   * @param producers the producer's threads, which size its pool
   * @param retention inbox and outbox retention, or null for Pump's default (7 days)
   * @param cleanupInterval how often the retention cleaner purges rows past retention, or null for
   *     the default
   * @param observed whether each instance runs with Pump's metrics and traces ({@link
   *     dev.pump.benchmarks.harness.Observed})
   */
  public record Settings(
      TransportKind kind,
      int concurrency,
      int messagesPerTransaction,
      int instances,
      int producers,
      Duration retention,
      Duration cleanupInterval,
      boolean observed) {}

  private final Database database;
  private final Timeline timeline;
  private final HikariDataSource producerPool;
  private final JdbcStorage producerStorage;
  private final Transport producer;
  private final List<EndToEndInstance> instances = new ArrayList<>();
  private final Endpoint client;
  private final Sink sink;

  private EndToEndService(Database database, Brokers brokers, Settings settings, String run) {
    this.database = database;
    this.timeline = new Timeline(run + "-");
    boolean rabbit = settings.kind() == TransportKind.RABBITMQ;
    if (rabbit) {
      this.producerPool = null;
      this.producerStorage = null;
      this.producer =
          RabbitMqTransport.builder()
              .uri(brokers.rabbitUri())
              .connectionName(PRODUCER_APPLICATION)
              .build();
    } else if (settings.kind() == TransportKind.KAFKA) {
      this.producerPool = null;
      this.producerStorage = null;
      this.producer =
          KafkaTransport.builder()
              .bootstrapServers(brokers.kafkaBootstrap())
              .clientId(PRODUCER_APPLICATION)
              .build();
    } else {
      this.producerPool = database.pool(PRODUCER_APPLICATION, settings.producers(), null);
      this.producerStorage = Database.storage(producerPool);
      this.producer = PostgresTransport.builder().storage(producerStorage).build();
    }
    this.client =
        Endpoint.builder().name("bench-e2e-client").transport(InMemoryTransport.create()).build();
    this.sink =
        rabbit
            ? Sink.rabbitmq(brokers.rabbitUri(), OUTPUT)
            : settings.kind() == TransportKind.KAFKA
                ? Sink.none()
                : Sink.postgres(database.pool("pump-bench-e2e-sink", 1, null), OUTPUT);
    for (int i = 0; i < settings.instances(); i++) {
      instances.add(new EndToEndInstance(database, brokers, settings, timeline, i));
    }
  }

  /** Builds the service and starts the endpoints, the dispatchers and the sink. */
  public static EndToEndService start(
      Database database, Brokers brokers, Settings settings, String run) {
    EndToEndService service = new EndToEndService(database, brokers, settings, run);
    try {
      service.instances.forEach(EndToEndInstance::start);
      service.sink.start();
      return service;
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
  }

  /**
   * The endpoint of the scenario: inbox, one business insert and one send per message, in the
   * message's transaction; no delayed retries (nothing fails, and a short inbox retention must
   * outlast the retry horizon). Up to {@code messagesPerTransaction} messages share a transaction.
   */
  public static Endpoint endpoint(
      Transport transport,
      JdbcStorage storage,
      int concurrency,
      int messagesPerTransaction,
      List<Telemetry> telemetries) {
    Handler<OrderPlaced> handler =
        (OrderPlaced order, Context context) -> {
          JdbcContext.handle(context)
              .execute(Workload.BUSINESS_INSERT, order.orderId(), Workload.PAYLOAD);
          context.send(OUTPUT, new OrderPlaced(order.orderId(), 1, Workload.PAYLOAD));
        };
    EndpointBuilder builder = Endpoint.builder();
    telemetries.forEach(builder::telemetry);
    return builder
        .name(ENDPOINT)
        .inputQueue(INPUT)
        .transport(transport)
        .storage(storage)
        .concurrency(concurrency)
        .messagesPerTransaction(messagesPerTransaction)
        .autoSubscribe(false)
        .recoverability(Recoverability.builder().delayedRetries(0).errorQueue(ERRORS).build())
        .handler(OrderPlaced.class, handler)
        .build();
  }

  /** An incoming message as the client application makes it, with the id of {@code ticket}. */
  public static OutgoingMessage incoming(Endpoint client, String messageId, long orderId) {
    BufferedSender sender = Endpoints.bufferedSender(client);
    sender.send(
        INPUT,
        new OrderPlaced(orderId, 0, Workload.PAYLOAD),
        SendOptions.builder().messageId(messageId).build());
    return sender.outgoing().drain().getFirst().message();
  }

  /** Enqueues the message of {@code ticket} into the input queue, one send of its own. */
  public void produce(long ticket) {
    producer.send(INPUT, List.of(incoming(client, timeline.messageId(ticket), ticket)));
    timeline.enqueued();
  }

  public Timeline timeline() {
    return timeline;
  }

  /** The first instance's metrics and traces, or null when the service is not observed. */
  public dev.pump.benchmarks.harness.Observed observed() {
    return instances.getFirst().observed();
  }

  /** Rows the instances' dispatchers relayed, together. */
  long rowsDispatched() {
    return instances.stream().mapToLong(i -> i.dispatcher().counters().rowsDispatched()).sum();
  }

  /** Cycles the instances' dispatchers ran, together. */
  long dispatchCycles() {
    return instances.stream().mapToLong(i -> i.dispatcher().counters().cycles()).sum();
  }

  @Override
  public void close() {
    for (EndToEndInstance instance : instances) {
      instance.close();
    }
    sink.close();
    producer.close();
    if (producerStorage != null) {
      producerStorage.close();
    }
    if (producerPool != null) {
      producerPool.close();
    }
    database.awaitGone(APPLICATION);
    database.awaitGone(PRODUCER_APPLICATION);
  }
}
