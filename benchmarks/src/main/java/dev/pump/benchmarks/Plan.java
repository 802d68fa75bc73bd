package dev.pump.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * How long and how big: the full plan fits the 20 minutes on 2 cores; the quick plan is the
 * one-minute smoke run CI does.
 *
 * @param warmUp closed-loop run before the measured rounds, discarded
 * @param firstWarmUp the warm-up of the first case, which also warms the JIT: at concurrency 1 a
 *     few seconds are not enough
 * @param costRun the extra run of each system in which its database cost is measured alone
 * @param round length of one measured round (pgbench takes whole seconds)
 * @param rounds measured rounds per system and case
 * @param messagesPerTransaction the k of the write path
 * @param concurrencies the write path's client counts
 * @param latencyConcurrency the concurrency at which the paced latency run is made
 * @param latencyRun length of the paced run at 50% of the measured rate
 * @param withoutNotify whether the write path also runs pgbench without Pump's pg_notify (at the
 *     latency concurrency)
 * @param backlog rows Pump's dispatcher drains per round
 * @param baselineBacklog rows the naive loop and gruelbox drain per round (they are slower; the
 *     rate per row does not depend on the backlog's size)
 * @param destinations destination counts of the drain
 */
record Plan(
    Duration warmUp,
    Duration firstWarmUp,
    Duration costRun,
    Duration round,
    int rounds,
    List<Integer> messagesPerTransaction,
    List<Integer> concurrencies,
    int latencyConcurrency,
    Duration latencyRun,
    boolean withoutNotify,
    int backlog,
    int baselineBacklog,
    List<Integer> destinations) {

  static Plan full() {
    return new Plan(
        Duration.ofSeconds(3),
        Duration.ofSeconds(10),
        Duration.ofSeconds(3),
        Duration.ofSeconds(5),
        3,
        List.of(1, 5),
        List.of(1, 8, 16),
        8,
        Duration.ofSeconds(5),
        true,
        100_000,
        5_000,
        List.of(1, 10, 100));
  }

  static Plan quick() {
    return new Plan(
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        2,
        List.of(1),
        List.of(8),
        8,
        Duration.ofSeconds(1),
        false,
        1_000,
        200,
        List.of(10));
  }
}
