package dev.pump.faults.scenario;

import dev.pump.core.spi.QueueBrowser.Decision;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Fleet;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.harness.LoadGenerator;
import dev.pump.faults.harness.Waits;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.sut.CrashPlan;
import dev.pump.faults.sut.Sut;
import dev.pump.kafka.KafkaTransport;
import dev.pump.testkit.TcpRelay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * broker-outage-kafka: the system under test runs on Kafka with the outbox in PostgreSQL, every
 * client connection to the broker through a {@link TcpRelay} that the broker advertises. The relay
 * drops every connection twice, then refuses them for the outage; an endpoint process and a
 * dispatcher process each crash once (before an acknowledgement, between a publish and its mark)
 * and are relaunched. The outbox accumulates while the broker is away and drains after; the books
 * must be clean, the clients must have been refused during the outage, and nothing may be parked in
 * the error topic.
 */
public final class KafkaBrokerOutage {
  /**
   * The size of a run.
   *
   * @param inputs input messages, 10% of them sent twice
   * @param perSecond input pace
   * @param outage how long the broker stays unreachable
   * @param seed the seed of every random choice
   * @param timeout how long the run may take to settle after the outage
   */
  public record Settings(int inputs, int perSecond, Duration outage, long seed, Duration timeout) {}

  private KafkaBrokerOutage() {}

  /** Runs the scenario; {@code bootstrap} is the relay's address, which the broker advertises. */
  public static Outcome run(
      FaultDatabase server, String name, String bootstrap, TcpRelay relay, Settings s, Path logs)
      throws Exception {
    Random random = new Random(s.seed());
    String prefix = "ko" + Long.toString(System.nanoTime(), 36) + "-";
    try (Harness harness = new Harness(server, name)) {
      harness
          .storage()
          .jdbi()
          .useHandle(h -> {
            for (String endpoint : Sut.ENDPOINTS) {
              h.execute("INSERT INTO fault_route VALUES (?, ?)", prefix + endpoint, endpoint);
            }
          });
      Fleet fleet =
          harness
              .fleet(logs.resolve(name))
              .extraArguments(List.of("--kafka-bootstrap", bootstrap, "--queue-prefix", prefix));
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("seed", s.seed());
      facts.put("transport", "kafka");
      try {
        fleet.add(
            "endpoints-1",
            "orders,billing,shipping",
            Set.of(),
            10,
            CrashPlan.at(CrashPlan.Point.BEFORE_ACK, 50 + random.nextInt(100)));
        fleet.add(
            "dispatcher-1",
            "dispatcher",
            Set.of(),
            10,
            CrashPlan.at(CrashPlan.Point.AFTER_SEND, 1 + random.nextInt(10)));
        Waits.Step relaunch = () -> fleet.relaunchEnded(m -> CrashPlan.never());
        Waits.until(fleet::allReady, Duration.ofMinutes(1), relaunch);
        LoadGenerator load =
            new LoadGenerator(
                    harness.storage(), harness.web(), s.inputs(), 0.1, s.seed() + 1, s.perSecond())
                .destination(prefix + "orders");
        Thread loader = Thread.ofPlatform().name("load").start(load);
        for (int drop = 0; drop < 2; drop++) {
          Waits.pause(Duration.ofMillis(1000 + random.nextInt(2000)), relaunch);
          relay.cut(); // every connection dropped; the clients reconnect at once
          relay.restore();
        }
        Waits.pause(Duration.ofMillis(500 + random.nextInt(1000)), relaunch);
        relay.cut();
        Waits.pause(s.outage(), relaunch);
        String pending =
            "SELECT count(*) FROM pump.outbox WHERE dispatched_at IS NULL AND parked_at IS NULL";
        facts.put("outageSeconds", s.outage().toSeconds());
        facts.put("pendingAtEndOfOutage", harness.count(pending));
        facts.put("refusedConnections", relay.refusedConnections());
        relay.restore();
        long back = System.nanoTime();
        Waits.until(() -> !loader.isAlive(), s.timeout(), relaunch);
        boolean drained = Waits.until(() -> harness.count(pending) == 0, s.timeout(), relaunch);
        facts.put("drainedAfterMs", drained ? (System.nanoTime() - back) / 1_000_000 : -1);
        boolean settled =
            Waits.until(
                () ->
                    harness.count(pending) == 0
                        && harness.handled("orders") == s.inputs()
                        && harness.handled("billing") == s.inputs()
                        && harness.handled("shipping") == s.inputs()
                        && harness.repeatsNotYetAbsorbed() == 0,
                s.timeout(),
                relaunch);
        facts.put("settled", settled);
        facts.put("plannedCrashes", fleet.crashes());
        fleet.close();
        int errorTopic;
        try (KafkaTransport probe =
            KafkaTransport.builder()
                .bootstrapServers(bootstrap)
                .clientId("pump-faults-harness")
                .build()) {
          errorTopic =
              probe
                  .browser()
                  .orElseThrow()
                  .browse(prefix + Sut.ERROR_QUEUE, 1_000, m -> Decision.KEEP);
        }
        facts.put("errorTopic", errorTopic);
        // the outage bit (the clients were refused, the outbox held rows) and nothing was parked
        facts.put(
            "expectationsMet",
            (Long) facts.get("pendingAtEndOfOutage") > 0
                && (Long) facts.get("refusedConnections") > 0
                && errorTopic == 0);
        // the consumer groups' subscriptions, which the database cannot see
        harness.recordBrokerSubscription(prefix + "shipping");
        return new Outcome(name, harness.books(), facts);
      } finally {
        fleet.close();
      }
    }
  }

  /** True when a Kafka broker answers at {@code bootstrap} within a few seconds. */
  public static boolean brokerAnswers(String bootstrap) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
      return !admin.describeCluster().nodes().get(15, TimeUnit.SECONDS).isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      return false;
    }
  }
}
