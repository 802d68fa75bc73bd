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
import java.util.Random;
import java.util.Set;

/**
 * database-outage: while the load runs through separate endpoint and dispatcher processes,
 * PostgreSQL terminates every connection of the database again and again ({@code
 * pg_terminate_backend}), and then (embedded server only) the server is stopped and started again
 * on the same data directory and port. Nobody touches the processes: they must resume by
 * themselves. Measured: how long after the server came back the first message was handled again.
 */
public final class DatabaseOutage {
  /**
   * The size of a run.
   *
   * @param inputs input messages (10% sent twice)
   * @param perSecond input pace: the load must outlast the faults
   * @param terminations rounds of {@code pg_terminate_backend}
   * @param downtime how long the server stays stopped (zero: not stopped)
   * @param seed the seed of the fault schedule
   * @param timeout how long the run may take to settle after the faults
   */
  public record Settings(
      int inputs,
      int perSecond,
      int terminations,
      Duration downtime,
      long seed,
      Duration timeout) {}

  private DatabaseOutage() {}

  /** Runs the scenario on a fresh database of {@code server}. */
  public static Outcome run(FaultDatabase server, String name, Settings s, Path logs)
      throws Exception {
    Random random = new Random(s.seed());
    try (Harness harness = new Harness(server, name)) {
      Fleet fleet = harness.fleet(logs.resolve(name));
      try {
        fleet.add("endpoints-1", "orders,billing,shipping", Set.of(), 10, CrashPlan.never());
        fleet.add("dispatcher-1", "dispatcher", Set.of(), 10, CrashPlan.never());
        Waits.until(fleet::allReady, Duration.ofMinutes(1), () -> {});
        LoadGenerator load =
            new LoadGenerator(
                harness.storage(), harness.web(), s.inputs(), 0.1, s.seed() + 1, s.perSecond());
        Thread loader = Thread.ofPlatform().name("load").start(load);
        int terminated = 0;
        for (int round = 0; round < s.terminations(); round++) {
          long pauseUntil =
              System.nanoTime() + Duration.ofMillis(300 + random.nextInt(1200)).toNanos();
          Waits.until(() -> System.nanoTime() > pauseUntil, Duration.ofMinutes(1), () -> {});
          terminated += server.terminateConnections(harness.jdbcUrl());
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("seed", s.seed());
        facts.put("terminationRounds", s.terminations());
        facts.put("connectionsTerminated", terminated);
        if (server.embedded() && !s.downtime().isZero()) {
          long before = harness.count("SELECT count(*) FROM fault_effect");
          server.stopServer();
          long downUntil = System.nanoTime() + s.downtime().toNanos();
          Waits.until(() -> System.nanoTime() > downUntil, s.downtime().plusMinutes(1), () -> {});
          server.startServer();
          long back = System.nanoTime();
          // resumed = a message handled after the restart, by processes nobody touched
          boolean resumed =
              Waits.until(
                  () ->
                      harness.count("SELECT count(*) FROM fault_effect") > before
                          || harness.settled(s.inputs()),
                  Duration.ofMinutes(1),
                  () -> {});
          facts.put("serverStoppedSeconds", s.downtime().toSeconds());
          facts.put("resumedAfterMs", resumed ? (System.nanoTime() - back) / 1_000_000 : -1);
        } else {
          facts.put(
              "serverStopped", server.embedded() ? "no (downtime 0)" : "no (external server)");
        }
        Waits.until(() -> !loader.isAlive(), s.timeout(), () -> {});
        boolean settled = Waits.until(() -> harness.settled(s.inputs()), s.timeout(), () -> {});
        facts.put("processRestarts", fleet.launches() - 2);
        facts.put("failedSessions", load.failedSessions());
        facts.put("settled", settled);
        fleet.close();
        return new Outcome(name, harness.books(), facts);
      } finally {
        fleet.close();
      }
    }
  }
}
