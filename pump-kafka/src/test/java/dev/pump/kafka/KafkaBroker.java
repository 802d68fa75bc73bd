package dev.pump.kafka;

import dev.pump.testkit.TcpRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The Kafka broker of the tests, one per JVM: the broker named by {@code PUMP_KAFKA_BOOTSTRAP}
 * (host:port, not probed) when it is set, else a single-node KRaft broker started in this process
 * from Kafka's own test kit ({@code KafkaClusterTestKit}), so nothing needs installing. Its start
 * is slow on a small machine, so it is shared by every test of the JVM, tried up to {@value
 * #START_TRIES} times, and closed by a shutdown hook. Thread-safe.
 */
public final class KafkaBroker {
  /** The environment variable naming an external broker, as Kafka's bootstrap servers. */
  public static final String BOOTSTRAP_VARIABLE = "PUMP_KAFKA_BOOTSTRAP";

  private static final int START_TRIES = 3;
  private static final String LISTENER = "EXTERNAL";
  private static final Object LOCK = new Object();
  private static String bootstrapServers;
  private static Duration startTime;

  private KafkaBroker() {}

  /** The bootstrap servers of the shared broker, starting it on first use. */
  public static String bootstrapServers() {
    synchronized (LOCK) {
      if (bootstrapServers == null) {
        String configured = System.getenv(BOOTSTRAP_VARIABLE);
        if (configured != null && !configured.isBlank()) {
          bootstrapServers = configured.strip();
        } else {
          long began = System.nanoTime();
          KafkaClusterTestKit cluster = start(Map.of(), null);
          startTime = Duration.ofNanos(System.nanoTime() - began);
          bootstrapServers = cluster.bootstrapServers();
          System.err.println(
              "pump-kafka tests: in-process Kafka broker started in "
                  + startTime.toMillis()
                  + " ms at "
                  + bootstrapServers);
        }
      }
      return bootstrapServers;
    }
  }

  /** How long the in-process broker took to start, or zero for an external one. */
  public static Duration startTime() {
    bootstrapServers();
    synchronized (LOCK) {
      return startTime == null ? Duration.ZERO : startTime;
    }
  }

  /** A new admin client of the shared broker; the caller closes it. */
  public static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /**
   * A broker of its own whose every client connection goes through a {@link TcpRelay}: it
   * advertises the relay's port, so a client that bootstraps there stays there, and cutting the
   * relay is a broker outage to its clients. For fault scenarios; always in process.
   */
  public static Relayed startBehindRelay() throws Exception {
    AtomicInteger port = new AtomicInteger();
    TcpRelay relay = new TcpRelay("127.0.0.1", port::get);
    KafkaClusterTestKit cluster =
        start(
            Map.of(0, Map.of("advertised.listeners", LISTENER + "://127.0.0.1:" + relay.port())),
            started -> port.set(started.brokers().get(0).boundPort(new ListenerName(LISTENER))));
    return new Relayed("127.0.0.1:" + relay.port(), relay, cluster);
  }

  /**
   * A broker behind a relay.
   *
   * @param bootstrapServers the relay's address, for clients
   * @param relay cut it for an outage, restore it to end one
   * @param cluster the broker, closed with it
   */
  public record Relayed(String bootstrapServers, TcpRelay relay, KafkaClusterTestKit cluster)
      implements AutoCloseable {
    @Override
    public void close() {
      relay.close();
      try {
        cluster.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        throw new IllegalStateException("the broker behind the relay did not close", e);
      }
    }
  }

  /** What to do between the broker's start and the wait for it to be ready. */
  private interface Started {
    void accept(KafkaClusterTestKit cluster) throws Exception;
  }

  private static KafkaClusterTestKit start(
      Map<Integer, Map<String, String>> perServer, Started started) {
    RuntimeException failure = null;
    for (int attempt = 1; attempt <= START_TRIES; attempt++) {
      KafkaClusterTestKit cluster = null;
      try {
        Path directory = Files.createTempDirectory("pump-kafka-broker-");
        cluster =
            new KafkaClusterTestKit.Builder(
                    new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(directory)
                        .setPerServerProperties(perServer)
                        .build())
                // a new consumer group gets its partitions at once, not after 3 s
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // the consumer group protocol's heartbeat, which tells members of a rebalance
                .setConfigProp("group.consumer.min.heartbeat.interval.ms", "500")
                .setConfigProp("group.consumer.heartbeat.interval.ms", "500")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "3")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("auto.create.topics.enable", "false")
                .setDeleteOnClose(true)
                .build();
        cluster.format();
        cluster.startup();
        if (started != null) {
          started.accept(cluster);
        }
        cluster.waitForReadyBrokers();
        KafkaClusterTestKit ready = cluster;
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> closeQuietly(ready), "pump-kafka-broker-stop"));
        return ready;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeQuietly(cluster);
        throw new IllegalStateException("interrupted while starting the test broker", e);
      } catch (Exception e) {
        closeQuietly(cluster);
        RuntimeException attemptFailure =
            new IllegalStateException(
                "the in-process Kafka broker did not start (attempt " + attempt + ")", e);
        if (failure == null) {
          failure = attemptFailure;
        } else {
          failure.addSuppressed(attemptFailure);
        }
      }
    }
    throw failure;
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster != null) {
      try {
        cluster.close();
      } catch (Exception e) {
        // a failed start leaves little to close; the next attempt starts afresh
      }
    }
  }
}
