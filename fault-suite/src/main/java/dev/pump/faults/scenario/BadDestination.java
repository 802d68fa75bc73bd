package dev.pump.faults.scenario;

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
import java.util.Map;
import java.util.Set;

/**
 * bad-destination: the dispatcher process cannot reach {@code billing} for the whole run (its
 * transport refuses every send there) while {@code orders} and the {@code OrderPlaced} topic are
 * healthy. The healthy destinations must be delivered in full while billing's rows are parked with
 * their error; then billing "recovers" (the dispatcher is SIGKILLed and relaunched without the
 * fault), the parked rows are re-driven with {@code PumpOperations.requeueParked}, and the books
 * must be clean.
 */
public final class BadDestination {
  private BadDestination() {}

  /** Runs the scenario with {@code inputs} inputs (10% sent twice) on a fresh database. */
  public static Outcome run(FaultDatabase server, String name, int inputs, long seed, Path logs)
      throws Exception {
    try (Harness harness = new Harness(server, name)) {
      Fleet fleet = harness.fleet(logs.resolve(name));
      try {
        fleet.add("endpoints-1", "orders,billing,shipping", Set.of(), 3, CrashPlan.never());
        Fleet.Member dispatcher =
            fleet.add("dispatcher-1", "dispatcher", Set.of("billing"), 3, CrashPlan.never());
        new LoadGenerator(harness.storage(), harness.web(), inputs, 0.1, seed, 0).run();
        String billingRows = "FROM pump.outbox WHERE destination = 'billing'";
        boolean healthyDelivered =
            Waits.until(
                () ->
                    harness.count("SELECT count(*) FROM fault_effect WHERE endpoint = 'orders'")
                            == inputs
                        && harness.count(
                                "SELECT count(*) FROM fault_effect WHERE endpoint = 'shipping'")
                            == inputs
                        && harness.count(
                                "SELECT count(*) " + billingRows + " AND parked_at IS NOT NULL")
                            == inputs,
                Duration.ofMinutes(3),
                () -> {});
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("seed", seed);
        facts.put("healthyDeliveredWhileBroken", healthyDelivered);
        facts.put(
            "billingHandledWhileBroken",
            harness.count("SELECT count(*) FROM fault_effect WHERE endpoint = 'billing'"));
        long parked =
            harness.count("SELECT count(*) " + billingRows + " AND parked_at IS NOT NULL");
        long parkedWithError =
            harness.count(
                "SELECT count(*) "
                    + billingRows
                    + " AND parked_at IS NOT NULL AND last_error LIKE '%broken%'");
        facts.put("parked", parked);
        facts.put("parkedWithError", parkedWithError);
        facts.put(
            "otherParked",
            harness.count(
                "SELECT count(*) FROM pump.outbox WHERE parked_at IS NOT NULL AND destination <> 'billing'"));
        // billing recovers: a dispatcher without the fault, and the parked rows re-driven
        dispatcher.heal();
        fleet.killAndRestart(dispatcher, CrashPlan.never());
        facts.put("requeued", harness.storage().operations().requeueParked("billing"));
        boolean settled =
            Waits.until(() -> harness.settled(inputs), Duration.ofMinutes(3), () -> {});
        facts.put("settled", settled);
        facts.put(
            "expectationsMet",
            healthyDelivered
                && parked == inputs
                && parkedWithError == parked
                && (Long) facts.get("billingHandledWhileBroken") == 0
                && (Long) facts.get("otherParked") == 0);
        fleet.close();
        return new Outcome(name, harness.books(), facts);
      } finally {
        fleet.close();
      }
    }
  }
}
