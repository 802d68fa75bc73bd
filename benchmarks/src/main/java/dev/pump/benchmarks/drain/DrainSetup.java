package dev.pump.benchmarks.drain;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.harness.Backlogs;
import dev.pump.benchmarks.harness.Broker;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.OrderPlaced;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.benchmarks.harness.Workload;
import dev.pump.core.Endpoint;
import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.kafka.KafkaTransport;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the drain's three systems share: the backlog's tables, the transport each round relays to,
 * the broker's queues, and the time limit of a round.
 */
public final class DrainSetup {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};
  static final Duration LIMIT = Duration.ofMinutes(5);
  static final String OUTBOX = Database.PUMP_SCHEMA + ".outbox";
  static final String QUEUE = Database.PUMP_SCHEMA + ".queue_message";
  static final String GRUELBOX = Database.GRUELBOX_SCHEMA + ".txno_outbox";

  final Database database;
  private final String rabbitUri;
  private final String kafkaBootstrap;

  DrainSetup(Database database, String rabbitUri, String kafkaBootstrap) {
    this.database = database;
    this.rabbitUri = rabbitUri;
    this.kafkaBootstrap = kafkaBootstrap;
  }

  /**
   * Writes {@code rows} pending rows, round-robin over the destinations: one row per destination
   * through Pump's session, then copied in SQL ({@link Backlogs}), which is much faster than
   * writing them all through the session and gives the same rows.
   */
  void fillPumpOutbox(List<String> names, int rows) {
    String app = "pump-bench-fill";
    try (HikariDataSource pool = database.pool(app, 1, null)) {
      JdbcStorage storage = Database.storage(pool);
      Endpoint endpoint =
          Endpoint.builder().name("bench-fill").transport(InMemoryTransport.create()).build();
      storage.inTransaction(
          endpoint,
          (handle, sender) -> {
            for (int i = 0; i < names.size(); i++) {
              sender.send(names.get(i), new OrderPlaced(i, 0, Workload.PAYLOAD));
            }
            return null;
          });
      storage.close();
    }
    database.awaitGone(app);
    Backlogs.multiplyOutbox(database.admin(), rows, "fill-");
    database.admin().useHandle(h -> h.execute("VACUUM ANALYZE " + OUTBOX));
  }

  Transport open(TransportKind kind, JdbcStorage storage) {
    return switch (kind) {
      case POSTGRES -> PostgresTransport.builder().storage(storage).build();
      case RABBITMQ ->
          RabbitMqTransport.builder().uri(rabbitUri).connectionName("pump-bench").build();
      case KAFKA ->
          KafkaTransport.builder().bootstrapServers(kafkaBootstrap).clientId("pump-bench").build();
    };
  }

  void reset(TransportKind kind, List<String> names) throws Exception {
    Workload.truncate(database.admin(), OUTBOX, QUEUE);
    if (kind == TransportKind.RABBITMQ) {
      withChannel(channel -> {
        for (String name : names) {
          channel.queuePurge(name);
        }
      });
    }
  }

  void createQueues(TransportKind kind, List<String> names) throws Exception {
    if (kind != TransportKind.POSTGRES) {
      try (Transport transport = open(kind, null)) {
        names.forEach(transport::createQueue);
      }
    }
  }

  void deleteQueues(TransportKind kind, List<String> names) throws Exception {
    if (kind == TransportKind.KAFKA) {
      // what the rounds sent stays until now: a drain only writes, nobody reads the topics
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap))) {
        admin.deleteTopics(names).all().get();
      }
    }
    if (kind == TransportKind.RABBITMQ) {
      withChannel(channel -> {
        for (String name : names) {
          channel.queueDelete(name);
        }
      });
    }
  }

  private void withChannel(Broker.ChannelWork work) throws Exception {
    Broker.withChannel(rabbitUri, work);
  }

  static void check(long deadline, String who, long done, long rows) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(
          who + " drained " + done + " of " + rows + " rows in " + LIMIT + "; giving up");
    }
  }
}
