package dev.pump.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
  private static final Object LOCK = new Object();
  private static String bootstrapServers;
  private static Duration startTime;

  private KafkaBroker() {}

  /** The bootstrap servers of the shared broker, starting it on first use. */
  public static String bootstrapServers() {
    synchronized (LOCK) {
      if (bootstrapServers == null) {
        String configured = System.getenv(BOOTSTRAP_VARIABLE);
        bootstrapServers =
            configured != null && !configured.isBlank() ? configured.strip() : startInProcess();
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

  private static String startInProcess() {
    RuntimeException failure = null;
    for (int attempt = 1; attempt <= START_TRIES; attempt++) {
      long began = System.nanoTime();
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
                        .build())
                // a new consumer group gets its partitions at once, not after 3 s
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "3")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("auto.create.topics.enable", "false")
                .setDeleteOnClose(true)
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        KafkaClusterTestKit started = cluster;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        started.close();
                      } catch (Exception e) {
                        // the JVM is going away; its temporary directory with it
                      }
                    },
                    "pump-kafka-broker-stop"));
        startTime = Duration.ofNanos(System.nanoTime() - began);
        System.err.println(
            "pump-kafka tests: in-process Kafka broker started in "
                + startTime.toMillis()
                + " ms (attempt "
                + attempt
                + ") at "
                + started.bootstrapServers());
        return started.bootstrapServers();
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
