package dev.pump.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * How long and how big: the full plan fits 20 minutes on 2 cores (the soak alone takes 10; the
 * budget per scenario is in {@code docs/performance.md}); the quick plan is the one-minute smoke
 * run CI does.
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
 * @param latencyRun length of each paced round at 50% of the measured rate (as many rounds as
 *     {@code rounds}, interleaved)
 * @param withoutNotify whether the write path also runs pgbench without Pump's pg_notify (at the
 *     latency concurrency)
 * @param backlog rows Pump's dispatcher drains per round
 * @param baselineBacklog rows the naive loop and gruelbox drain per round (they are slower; the
 *     rate per row does not depend on the backlog's size)
 * @param destinations destination counts of the drain
 * @param endToEnd the end-to-end scenario
 * @param soak the soak
 * @param memory the memory scenario
 */
public record Plan(
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
    List<Integer> destinations,
    EndToEndPlan endToEnd,
    SoakPlan soak,
    MemoryPlan memory) {

  /**
   * The end-to-end scenario.
   *
   * @param concurrency the endpoint's concurrency: messages in flight at once, in batches of up to
   *     {@code messagesPerTransaction}
   * @param messagesPerTransaction the endpoint's batch (B): messages received at once and handled
   *     in one transaction
   * @param perMessageClients pgbench's clients for the per-message ceiling (the endpoint's
   *     concurrency before batching, as that ceiling has been measured since the first run); the
   *     batched ceiling runs with as many clients as the producer has threads
   * @param competingEndpoints endpoints (instances, each with its own storage) on one queue in the
   *     competing-consumers case, against one; 0 leaves the case out
   * @param producers threads enqueueing the incoming messages
   * @param warmUp the first capacity run of each system, discarded
   * @param round one capacity round (closed loop)
   * @param rounds capacity rounds per system, interleaved
   * @param costRun the window in which each system's database cost is measured alone
   * @param pacedRun the latency run at 50% of the sustainable rate
   * @param pacedWarmUp the start of the paced run whose messages are not recorded
   */
  public record EndToEndPlan(
      int concurrency,
      int messagesPerTransaction,
      int perMessageClients,
      int competingEndpoints,
      int producers,
      Duration warmUp,
      Duration round,
      int rounds,
      Duration costRun,
      Duration pacedRun,
      Duration pacedWarmUp) {}

  /**
   * The soak.
   *
   * @param duration the whole soak
   * @param sample how often throughput, dead tuples and sizes are sampled
   * @param longTransactionStart when the REPEATABLE READ transaction begins
   * @param longTransaction how long it stays open
   * @param plateauWindow the end of the run over which sizes must not grow
   */
  public record SoakPlan(
      Duration duration,
      Duration sample,
      Duration longTransactionStart,
      Duration longTransaction,
      Duration plateauWindow) {}

  /**
   * The memory scenario.
   *
   * @param largeBacklog rows in the queue and in the outbox for the large drain
   * @param smallBacklog the same for the small drain the large one is compared with
   * @param window the longest a drain runs (the large one never finishes in it)
   * @param maxHeap {@code -Xmx} of the child JVM that drains
   * @param snapshotAfter messages (or rows) both drains have done when their live heap is taken
   *     mid-drain; small enough that a slow, loaded machine reaches it within the window
   */
  public record MemoryPlan(
      int largeBacklog, int smallBacklog, Duration window, String maxHeap, int snapshotAfter) {

    /**
     * When each drain takes its live heap: the same work done by both, at most half the small
     * backlog, so both drains are still running.
     */
    public int snapshotAt() {
      return Math.min(snapshotAfter, smallBacklog / 2);
    }
  }

  static Plan full() {
    return new Plan(
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        3,
        List.of(1, 5),
        List.of(1, 8, 16),
        8,
        Duration.ofSeconds(3),
        false,
        20_000,
        1_000,
        List.of(1, 10, 100),
        new EndToEndPlan(
            64,
            32,
            8,
            2,
            32,
            Duration.ofSeconds(4),
            Duration.ofSeconds(4),
            3,
            Duration.ofSeconds(3),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2)),
        new SoakPlan(
            Duration.ofMinutes(10),
            Duration.ofSeconds(10),
            Duration.ofSeconds(150),
            Duration.ofMinutes(3),
            Duration.ofMinutes(3)),
        new MemoryPlan(1_000_000, 10_000, Duration.ofSeconds(25), "256m", 5_000));
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
        List.of(10),
        new EndToEndPlan(
            16,
            8,
            8,
            2,
            8,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            1,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofMillis(500)),
        new SoakPlan(
            Duration.ofSeconds(8),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3)),
        // a window of seconds more than the drains need: on a loaded machine a child JVM can
        // take seconds before its first message
        new MemoryPlan(10_000, 1_000, Duration.ofSeconds(10), "256m", 100));
  }
}
