package dev.pump.faults.scenario;

import dev.pump.faults.broker.Broker;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Fleet;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.harness.LoadGenerator;
import dev.pump.faults.harness.Waits;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.sut.CrashPlan;
import dev.pump.testkit.TcpRelay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * broker-outage and broker-outage-kafka: the system under test runs on a broker with the outbox in
 * PostgreSQL, every connection of its processes to the broker going through a {@link TcpRelay}. The
 * harness drops those connections twice, then refuses them for the outage; the outbox must
 * accumulate while the broker is away and drain after, the clients must have been refused, nothing
 * may be parked in the error queue, and the books must be clean. The endpoint process also crashes
 * once after a handler's transaction committed and before the broker got the acknowledgement, and
 * the dispatcher once between a publish and its mark; both are relaunched.
 */
public final class BrokerOutage {
  /**
   * The size of a run.
   *
   * @param inputs input messages (10% sent twice)
   * @param perSecond input pace: the load must outlast the outage
   * @param outage how long the broker stays unreachable
   * @param seed the seed of the fault schedule
   * @param timeout how long the run may take to settle after the faults
   */
  public record Settings(int inputs, int perSecond, Duration outage, long seed, Duration timeout) {}

  private BrokerOutage() {}

  /**
   * Runs the scenario on a fresh database of {@code server} and on {@code broker}, which its
   * processes reach through {@code relay} and nowhere else.
   */
  public static Outcome run(
      FaultDatabase server, String name, Broker broker, TcpRelay relay, Settings s, Path logs)
      throws Exception {
    Random random = new Random(s.seed());
    try (Harness harness = new Harness(server, name);
        Broker.Run on = broker.begin("bo")) {
      harness.routeQueues(on.prefix());
      Fleet fleet = harness.fleet(logs.resolve(name)).extraArguments(on.processArguments());
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("seed", s.seed());
      facts.put("transport", broker.name());
      try {
        // one real crash each, relaunched by the harness: after the handler's transaction committed
        // and before the broker got the ack, and between a batch's publish and its mark
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
                .destination(on.prefix() + "orders");
        Thread loader = Thread.ofPlatform().name("load").start(load);
        for (int drop = 0; drop < 2; drop++) {
          Waits.pause(Duration.ofMillis(1000 + random.nextInt(2000)), relaunch);
          relay.cut(); // every connection dropped; the clients reconnect at once
          relay.restore();
        }
        Waits.pause(Duration.ofMillis(500 + random.nextInt(1000)), relaunch);
        relay.cut();
        Waits.pause(s.outage(), relaunch);
        long pendingAtEnd = harness.pendingOutbox();
        long refused = relay.refusedConnections();
        facts.put("outageSeconds", s.outage().toSeconds());
        facts.put("pendingAtEndOfOutage", pendingAtEnd);
        facts.put("refusedConnections", refused);
        relay.restore();
        long back = System.nanoTime();
        Waits.until(() -> !loader.isAlive(), s.timeout(), relaunch);
        boolean drained = Waits.until(() -> harness.pendingOutbox() == 0, s.timeout(), relaunch);
        facts.put("drainedAfterMs", drained ? (System.nanoTime() - back) / 1_000_000 : -1);
        boolean settled =
            Waits.until(
                () ->
                    harness.pendingOutbox() == 0
                        && harness.everyEndpointHandled(s.inputs())
                        && on.nothingInTransit(harness),
                s.timeout(),
                relaunch);
        facts.put("settled", settled);
        facts.put("plannedCrashes", fleet.crashes());
        long parked = on.errorQueueDepth(harness);
        broker.errorQueueFact().ifPresent(fact -> facts.put(fact, parked));
        // the outage bit (the clients were refused, the outbox held rows) and nothing was parked
        facts.put("expectationsMet", pendingAtEnd > 0 && refused > 0 && parked == 0);
        fleet.close();
        on.recordForTheBooks(harness);
        return new Outcome(name, harness.books(), facts);
      } finally {
        fleet.close();
      }
    }
  }
}
