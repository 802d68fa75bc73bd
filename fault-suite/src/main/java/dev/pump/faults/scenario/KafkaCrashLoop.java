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
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * crash-loop-kafka: the crash loop with Kafka carrying the messages and PostgreSQL holding the
 * inbox and outbox. Endpoint processes (two, so partitions move between them) and a dispatcher
 * process are SIGKILLed at seeded moments and relaunched, some armed to crash themselves inside a
 * handler's transaction, before the acknowledgement or between a publish and its mark, while the
 * input flows with injected duplicates. Records a dead process handed out come back to the
 * partition's next owner, counted as delivered before; the books must be clean and the error topic
 * empty. Topics carry a per-run prefix, so runs on one broker do not mix.
 */
public final class KafkaCrashLoop {
  /**
   * The size of a run.
   *
   * @param inputs input messages, 10% of them sent twice
   * @param kills SIGKILLs from the harness
   * @param crashes relaunches armed with a crash point
   * @param perSecond input pace
   * @param seed the seed of every random choice
   * @param timeout how long the run may take to settle after the faults
   */
  public record Settings(
      int inputs, int kills, int crashes, int perSecond, long seed, Duration timeout) {}

  private KafkaCrashLoop() {}

  /** Runs the scenario against the Kafka at {@code bootstrap}; returns the outcome. */
  public static Outcome run(
      FaultDatabase server, String name, String bootstrap, Settings s, Path logs) throws Exception {
    Random random = new Random(s.seed());
    String prefix = "kf" + Long.toString(System.nanoTime(), 36) + "-";
    try (Harness harness = new Harness(server, name);
        KafkaTransport probe =
            KafkaTransport.builder()
                .bootstrapServers(bootstrap)
                .clientId("pump-faults-harness")
                .build()) {
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
      int[] armsLeft = {s.crashes()};
      Waits.Step relaunch = () -> fleet.relaunchEnded(m -> arm(random, armsLeft, m.dispatches()));
      try {
        fleet.add("endpoints-1", "orders,billing,shipping", Set.of(), 10, CrashPlan.never());
        fleet.add("endpoints-2", "orders,billing,shipping", Set.of(), 10, CrashPlan.never());
        fleet.add("dispatcher-1", "dispatcher", Set.of(), 10, CrashPlan.never());
        Waits.until(fleet::allReady, Duration.ofMinutes(1), relaunch);
        LoadGenerator load =
            new LoadGenerator(
                    harness.storage(), harness.web(), s.inputs(), 0.1, s.seed() + 1, s.perSecond())
                .destination(prefix + "orders");
        Thread loader = Thread.ofPlatform().name("load").start(load);
        List<Fleet.Member> members = fleet.members();
        for (int kill = 0; kill < s.kills(); kill++) {
          Waits.until(fleet::allReady, Duration.ofMinutes(1), relaunch);
          long pauseUntil =
              System.nanoTime() + Duration.ofMillis(500 + random.nextInt(2500)).toNanos();
          Waits.until(() -> System.nanoTime() > pauseUntil, Duration.ofMinutes(1), relaunch);
          Fleet.Member victim = members.get(random.nextInt(members.size()));
          fleet.killAndRestart(victim, arm(random, armsLeft, victim.dispatches()));
        }
        Waits.until(() -> !loader.isAlive(), s.timeout(), relaunch);
        String pending =
            "SELECT count(*) FROM pump.outbox WHERE dispatched_at IS NULL AND parked_at IS NULL";
        boolean settled =
            Waits.until(
                () ->
                    harness.count(pending) == 0
                        && harness.handled("orders") == s.inputs()
                        && harness.handled("billing") == s.inputs()
                        && harness.handled("shipping") == s.inputs()
                        && harness.repeatsNotYetAbsorbed() == 0,
                s.timeout(),
                () -> fleet.relaunchEnded(m -> CrashPlan.never()));
        fleet.close();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("seed", s.seed());
        facts.put("transport", "kafka");
        facts.put("kills", fleet.kills());
        facts.put("plannedCrashes", fleet.crashes());
        facts.put("launches", fleet.launches());
        facts.put("inputCopiesSent", load.sent());
        facts.put("settled", settled);
        int errorTopic =
            probe
                .browser()
                .orElseThrow()
                .browse(prefix + Sut.ERROR_QUEUE, 1_000, m -> Decision.KEEP);
        facts.put("errorTopic", errorTopic);
        facts.put("expectationsMet", errorTopic == 0);
        // the consumer groups' subscriptions, which the database cannot see
        harness.recordBrokerSubscription(prefix + "shipping");
        return new Outcome(name, harness.books(), facts);
      } finally {
        fleet.close();
      }
    }
  }

  private static CrashPlan arm(Random random, int[] armsLeft, boolean dispatcher) {
    if (armsLeft[0] <= 0) {
      return CrashPlan.never();
    }
    armsLeft[0]--;
    if (dispatcher) {
      return CrashPlan.at(CrashPlan.Point.AFTER_SEND, 1 + random.nextInt(20));
    }
    CrashPlan.Point point =
        random.nextBoolean() ? CrashPlan.Point.HANDLER : CrashPlan.Point.BEFORE_ACK;
    return CrashPlan.at(point, 1 + random.nextInt(300));
  }
}
