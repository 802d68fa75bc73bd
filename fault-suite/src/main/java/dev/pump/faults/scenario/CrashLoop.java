package dev.pump.faults.scenario;

import dev.pump.faults.broker.Broker;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Fleet;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.harness.LoadGenerator;
import dev.pump.faults.harness.Waits;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.sut.CrashPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * crash-loop, competing-instances and crash-loop-kafka: the system under test runs as separate
 * processes (endpoint processes hosting {@code orders}, {@code billing} and {@code shipping}, and
 * dispatcher processes) on a broker while the load generator sends its input with injected
 * duplicates. The harness SIGKILLs random processes at random moments and relaunches them;
 * relaunched processes may also be armed to crash themselves at a chosen point (inside a handler's
 * transaction, before the acknowledgement, between send and mark). Where the books cannot see the
 * broker's error queue, it must stay empty. All randomness comes from one seed.
 */
public final class CrashLoop {
  /**
   * The size of a run.
   *
   * @param inputs input messages
   * @param duplicates fraction of inputs sent twice
   * @param kills SIGKILLs from the harness
   * @param crashes relaunches armed with a crash point
   * @param endpointProcesses processes hosting the three endpoints
   * @param dispatcherProcesses processes running a dispatcher
   * @param perSecond input pace
   * @param seed the seed of every random choice
   * @param timeout how long the run may take to settle after the faults
   */
  public record Settings(
      int inputs,
      double duplicates,
      int kills,
      int crashes,
      int endpointProcesses,
      int dispatcherProcesses,
      int perSecond,
      long seed,
      Duration timeout) {}

  private CrashLoop() {}

  /** Runs the scenario on a fresh database of {@code server} and on {@code broker}. */
  public static Outcome run(FaultDatabase server, String name, Broker broker, Settings s, Path logs)
      throws Exception {
    Random random = new Random(s.seed());
    try (Harness harness = new Harness(server, name);
        Broker.Run on = broker.begin("cl")) {
      harness.routeQueues(on.prefix());
      LoadGenerator load =
          new LoadGenerator(
                  harness.storage(),
                  harness.web(),
                  s.inputs(),
                  s.duplicates(),
                  s.seed() + 1,
                  s.perSecond())
              .destination(on.prefix() + "orders");
      int[] armsLeft = {s.crashes()};
      Fleet fleet = harness.fleet(logs.resolve(name)).extraArguments(on.processArguments());
      Waits.Step relaunch = () -> fleet.relaunchEnded(m -> arm(random, armsLeft, m.dispatches()));
      try {
        for (int i = 1; i <= s.endpointProcesses(); i++) {
          fleet.add("endpoints-" + i, "orders,billing,shipping", Set.of(), 10, CrashPlan.never());
        }
        for (int i = 1; i <= s.dispatcherProcesses(); i++) {
          fleet.add("dispatcher-" + i, "dispatcher", Set.of(), 10, CrashPlan.never());
        }
        Waits.until(fleet::allReady, Duration.ofMinutes(1), relaunch);
        Thread loader = Thread.ofPlatform().name("load").start(load);
        List<Fleet.Member> members = fleet.members();
        for (int kill = 0; kill < s.kills(); kill++) {
          // the fault schedule: every process up, a seeded pause, then SIGKILL of a random one
          Waits.until(fleet::allReady, Duration.ofMinutes(1), relaunch);
          Waits.pause(Duration.ofMillis(500 + random.nextInt(2500)), relaunch);
          Fleet.Member victim = members.get(random.nextInt(members.size()));
          fleet.killAndRestart(victim, arm(random, armsLeft, victim.dispatches()));
        }
        Waits.until(() -> !loader.isAlive(), s.timeout(), relaunch);
        boolean settled =
            Waits.until(
                () ->
                    harness.pendingOutbox() == 0
                        && harness.everyEndpointHandled(s.inputs())
                        && on.nothingInTransit(harness),
                s.timeout(),
                () -> fleet.relaunchEnded(m -> CrashPlan.never()));
        fleet.close();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("seed", s.seed());
        facts.put("transport", broker.name());
        facts.put("kills", fleet.kills());
        facts.put("plannedCrashes", fleet.crashes());
        facts.put("launches", fleet.launches());
        facts.put("inputCopiesSent", load.sent());
        facts.put("failedSessions", load.failedSessions());
        facts.put("settled", settled);
        if (broker.errorQueueFact().isPresent()) {
          long parked = on.errorQueueDepth(harness);
          facts.put(broker.errorQueueFact().get(), parked);
          facts.put("expectationsMet", parked == 0);
        }
        on.recordForTheBooks(harness);
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
