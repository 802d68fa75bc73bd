package dev.pump.faults.scenario;

import dev.pump.core.SendOptions;
import dev.pump.faults.broker.Broker;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Fleet;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.harness.LoadGenerator;
import dev.pump.faults.harness.Waits;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.sut.CrashPlan;
import dev.pump.faults.sut.Messages.PlaceOrder;
import dev.pump.faults.sut.Sut;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * process-killer-postgresql, process-killer-rabbitmq and process-killer-kafka: one input halts
 * every process that handles it, among 100 ordinary inputs. The harness relaunches the endpoint
 * process after each death. Promised: after {@link Sut#MAX_DELIVERIES} deliveries the message is
 * parked in the error queue with reason {@code too-many-deliveries}, and everything else is
 * handled. Where the books cannot see the broker's error queue, the harness transcribes it into
 * {@code fault_broker_error} for them and reports how many messages it holds at the end (the killer
 * alone, 1).
 */
public final class ProcessKiller {
  private ProcessKiller() {}

  /**
   * Runs the probe on {@code broker}, giving up after {@code maxLaunches} of the endpoint process.
   */
  public static Outcome run(
      FaultDatabase server, String name, Broker broker, int maxLaunches, Path logs)
      throws Exception {
    try (Harness harness = new Harness(server, name);
        Broker.Run on = broker.begin("pk")) {
      String orders = on.prefix() + "orders";
      harness.routeQueues(on.prefix());
      Fleet fleet = harness.fleet(logs.resolve(name)).extraArguments(on.processArguments());
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("transport", broker.name());
      try {
        fleet.add("endpoints-1", "orders,billing,shipping", Set.of(), 10, CrashPlan.never());
        fleet.add("dispatcher-1", "dispatcher", Set.of(), 10, CrashPlan.never());
        Waits.until(fleet::allReady, Duration.ofMinutes(1), () -> {});
        new LoadGenerator(harness.storage(), harness.web(), 100, 0, 8L, 0)
            .destination(orders)
            .run();
        harness
            .storage()
            .inTransaction(
                harness.web(),
                (h, sender) -> {
                  h.execute(
                      "INSERT INTO fault_poison VALUES ('killer-1', ?, 'process-killer', 'error')",
                      orders);
                  sender.send(
                      orders,
                      new PlaceOrder("killer", Sut.PROCESS_KILLER),
                      SendOptions.builder().messageId("killer-1").build());
                  return null;
                });
        int[] launches = {1};
        boolean parked =
            Waits.until(
                () -> on.errorQueueDepth(harness) > 0 || launches[0] > maxLaunches,
                Duration.ofMinutes(10),
                () -> launches[0] += fleet.relaunchEnded(m -> CrashPlan.never()));
        parked = parked && on.errorQueueDepth(harness) > 0;
        facts.put("endpointLaunches", launches[0]);
        facts.put("killerParked", parked);
        boolean settled =
            Waits.until(
                () ->
                    harness.settled(100)
                        && harness.count("SELECT count(DISTINCT message_id) FROM fault_effect")
                            == 300,
                Duration.ofMinutes(2),
                () -> fleet.relaunchEnded(m -> CrashPlan.never()));
        facts.put("othersHandled", settled);
        fleet.close();
        // where the books cannot count the error queue: the killer alone must be there
        long inErrorQueue = on.errorQueueDepth(harness);
        boolean alone = broker.errorQueueFact().isEmpty() || inErrorQueue == 1;
        facts.put("expectationsMet", parked && settled && alone);
        broker.errorQueueFact().ifPresent(fact -> facts.put(fact, inErrorQueue));
        on.recordForTheBooks(harness);
        return new Outcome(name, harness.books(), facts);
      } finally {
        fleet.close();
      }
    }
  }
}
