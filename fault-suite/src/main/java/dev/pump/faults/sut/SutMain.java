package dev.pump.faults.sut;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.jdbc.RetentionCleaner;
import dev.pump.kafka.KafkaTransport;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * One process of the system under test, started by the harness and killed by it:
 *
 * <pre>
 * java -cp ... dev.pump.faults.SutMain --jdbc-url jdbc:postgresql://127.0.0.1:5432/db
 *     [--user postgres] [--password ""] [--roles orders,billing,shipping,dispatcher,cleaner]
 *     [--crash handler@120|before-ack@40|after-send@3|none] [--broken dest1,dest2]
 *     [--max-attempts 10] [--rabbitmq-uri amqp://guest:guest@127.0.0.1:5672 --queue-prefix f3-]
 *     [--kafka-bootstrap 127.0.0.1:9092 --queue-prefix f3-]
 * </pre>
 *
 * Runs until killed (or stopped with SIGTERM, which stops the endpoints and the dispatcher).
 */
public final class SutMain {
  private SutMain() {}

  /** Runs the roles named on the command line until the process ends. */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    String url = required(options, "jdbc-url");
    List<String> roles =
        Arrays.asList(
            options.getOrDefault("roles", "orders,billing,shipping,dispatcher").split(","));
    CrashPlan crash = CrashPlan.parse(options.get("crash"));
    Set<String> broken = new HashSet<>();
    if (options.containsKey("broken") && !options.get("broken").isBlank()) {
      broken.addAll(Arrays.asList(options.get("broken").split(",")));
    }
    int attempts = Integer.parseInt(options.getOrDefault("max-attempts", "10"));
    HikariDataSource pool =
        PumpDataSources.pooled(
            url,
            options.getOrDefault("user", "postgres"),
            options.getOrDefault("password", ""),
            24);
    JdbcStorage storage = JdbcStorage.builder().dataSource(pool).build();
    SutTables.create(storage.jdbi());
    String prefix = options.getOrDefault("queue-prefix", "");
    String rabbitmq = options.get("rabbitmq-uri");
    String kafka = options.get("kafka-bootstrap");
    Transport transport;
    if (rabbitmq != null) {
      transport =
          RabbitMqTransport.builder()
              .uri(rabbitmq)
              .connectionName("pump-faults-" + ProcessHandle.current().pid())
              .prefetch(4)
              .networkRecoveryInterval(Duration.ofSeconds(1))
              .build();
    } else if (kafka != null) {
      transport =
          KafkaTransport.builder()
              .bootstrapServers(kafka)
              .clientId("pump-faults-" + ProcessHandle.current().pid())
              .maxInFlight(4)
              // a killed process's partitions move after 6 s (Kafka's shortest), not 45 s
              .consumerProperty("session.timeout.ms", 6_000)
              .consumerProperty("heartbeat.interval.ms", 1_000)
              .build();
    } else {
      transport = PostgresTransport.builder().storage(storage).build();
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (String role : roles) {
      if (Sut.ENDPOINTS.contains(role)) {
        endpoints.add(Sut.endpoint(role, prefix, storage, transport, crash));
      }
    }
    List<Endpoint> started = Sut.startInOrder(endpoints);
    OutboxDispatcher dispatcher =
        roles.contains("dispatcher")
            ? Sut.dispatcher(storage, transport, crash, broken, attempts)
            : null;
    // a dispatcher process also runs the retention cleaner, as a service would beside it
    RetentionCleaner retention =
        dispatcher != null ? RetentionCleaner.builder().storage(storage).build() : null;
    if (dispatcher != null) {
      dispatcher.start();
      retention.start();
    }
    Thread cleaner = roles.contains("cleaner") ? startCleaner(storage) : null;
    System.out.println(
        "fault-suite: ready pid="
            + ProcessHandle.current().pid()
            + " roles="
            + roles
            + " crash="
            + crash);
    System.out.flush();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> {
              if (cleaner != null) {
                cleaner.interrupt();
              }
              for (Endpoint endpoint : started.reversed()) {
                endpoint.stop(Duration.ofSeconds(5));
              }
              if (dispatcher != null) {
                dispatcher.stop(Duration.ofSeconds(5));
                retention.stop(Duration.ofSeconds(1));
              }
              transport.close();
              pool.close();
              done.countDown();
            }));
    done.await();
  }

  // Purges again and again (a RetentionCleaner, without waiting for its interval), so a kill
  // lands inside a purge.
  private static Thread startCleaner(JdbcStorage storage) {
    var retention = RetentionCleaner.builder().storage(storage).build();
    return Thread.ofPlatform()
        .name("fault-cleaner")
        .daemon()
        .start(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            try {
              retention.purge();
              Thread.sleep(50);
            } catch (InterruptedException e) {
              return;
            } catch (RuntimeException e) {
              System.err.println("fault-suite: purge failed: " + e);
            }
          }
        });
  }

  public static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  public static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
