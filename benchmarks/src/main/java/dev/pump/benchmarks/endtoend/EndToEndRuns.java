package dev.pump.benchmarks.endtoend;

import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.harness.BacklogWatch;
import dev.pump.benchmarks.harness.Broker;
import dev.pump.benchmarks.harness.Brokers;
import dev.pump.benchmarks.harness.CpuUsage;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.KafkaTopics;
import dev.pump.benchmarks.harness.Load;
import dev.pump.benchmarks.harness.Producers;
import dev.pump.benchmarks.harness.Timeline;
import dev.pump.benchmarks.harness.TransportKind;
import dev.pump.benchmarks.harness.Workload;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pump's side of the end-to-end scenario: the closed-loop capacity round (of one instance of the
 * {@link EndToEndService}, or of several competing on the input queue) and the paced latency run of
 * one, each from empty tables and queues. The soak uses it to measure a sustainable rate when the
 * end-to-end scenario did not run.
 */
public final class EndToEndRuns {
  /**
   * Messages enqueued and not yet handled in the closed loop, per endpoint, as a multiple of its
   * concurrency: enough for full batches while others run, never a growing backlog.
   */
  static final int IN_FLIGHT_PER_PERMIT = 2;

  private static final AtomicInteger RUNS = new AtomicInteger();

  private final Database database;
  private final Plan.EndToEndPlan plan;
  private final Brokers brokers;

  /**
   * @param brokers the brokers beside PostgreSQL, if any
   */
  public EndToEndRuns(Database database, Plan.EndToEndPlan plan, Brokers brokers) {
    this.database = database;
    this.plan = plan;
    this.brokers = brokers;
  }

  /** A short measurement of the sustainable rate with PostgreSQL: a warm-up and one round. */
  public double sustainableRate() throws Exception {
    int batch = plan.messagesPerTransaction();
    capacity(TransportKind.POSTGRES, 1, batch, plan.warmUp(), false);
    return capacity(TransportKind.POSTGRES, 1, batch, plan.round(), false).sustainable();
  }

  /**
   * One closed-loop round.
   *
   * @param handled messages handled per second
   * @param dispatched messages dispatched per second
   * @param rowsPerCycle rows the dispatcher relayed per cycle (its empty cycles included)
   * @param maxInputBacklog the most messages enqueued and not handled at the end of a second
   * @param outboxPendingAtEnd messages handled and not yet dispatched when the round ended
   * @param receiveMs the mean time of a receive that returned a message
   * @param messagesPerReceive the mean batch: messages per receive that returned any
   * @param receiverBusy the receives' time over the round's: the endpoint's receivers each work one
   *     receive at a time, so a figure near their number says receiving limits the rate
   * @param cost database cost per handled message, when measured
   */
  record Capacity(
      double handled,
      double dispatched,
      double rowsPerCycle,
      long maxInputBacklog,
      long outboxPendingAtEnd,
      double receiveMs,
      double messagesPerReceive,
      double receiverBusy,
      Map<String, Object> cost) {

    double sustainable() {
      return Math.min(handled, dispatched);
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("handled_per_s", DbCost.round(handled));
      json.put("dispatched_per_s", DbCost.round(dispatched));
      json.put("dispatcher_rows_per_cycle", DbCost.round(rowsPerCycle));
      json.put("max_input_backlog", maxInputBacklog);
      json.put("outbox_pending_at_end", outboxPendingAtEnd);
      json.put("receive_ms_mean", DbCost.round(receiveMs));
      json.put("messages_per_receive", DbCost.round(messagesPerReceive));
      json.put("receiver_busy_share", DbCost.round(receiverBusy));
      return json;
    }
  }

  /** Messages the closed loop keeps enqueued and not yet handled for {@code instances}. */
  int inFlight(int instances) {
    return IN_FLIGHT_PER_PERMIT * plan.concurrency() * instances;
  }

  /**
   * A closed-loop round of {@code instances} of the service on the input queue, their endpoints
   * handling up to {@code messagesPerTransaction} messages in a transaction.
   */
  Capacity capacity(
      TransportKind kind,
      int instances,
      int messagesPerTransaction,
      Duration duration,
      boolean withCost)
      throws Exception {
    return capacity(kind, instances, messagesPerTransaction, duration, withCost, false);
  }

  /** As above; {@code observed}: with Pump's metrics and traces on. */
  Capacity capacity(
      TransportKind kind,
      int instances,
      int messagesPerTransaction,
      Duration duration,
      boolean withCost,
      boolean observed)
      throws Exception {
    reset(kind);
    try (EndToEndService service =
            EndToEndService.start(
                database,
                brokers,
                settings(kind, instances, messagesPerTransaction, observed),
                nextRun());
        Producers producers =
            Producers.closedLoop(service, plan.producers(), inFlight(instances))) {
      Timeline timeline = service.timeline();
      // connections, consumers and the first claims settle before the window opens
      Database.sleep(Math.min(1_000, duration.toMillis() / 2));
      long handled0 = timeline.handled();
      long dispatched0 = timeline.dispatched();
      long rows0 = service.rowsDispatched();
      long cycles0 = service.dispatchCycles();
      long receives0 = timeline.receives();
      long receiveNanos0 = timeline.receiveNanos();
      long received0 = timeline.receivedMessages();
      DbCost cost =
          withCost
              ? DbCost.start(database, EndToEndService.TABLES, EndToEndService.APPLICATION)
              : null;
      CpuUsage cpu = CpuUsage.now();
      long start = System.nanoTime();
      long maxBacklog = 0;
      long end = start + duration.toNanos();
      while (System.nanoTime() < end) {
        Database.sleep(Math.min(1_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        maxBacklog = Math.max(maxBacklog, timeline.sent() - timeline.handled());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long handled = timeline.handled() - handled0;
      long dispatched = timeline.dispatched() - dispatched0;
      long rows = service.rowsDispatched() - rows0;
      long cycles = service.dispatchCycles() - cycles0;
      long pending = timeline.handled() - timeline.dispatched();
      long receives = timeline.receives() - receives0;
      long received = timeline.receivedMessages() - received0;
      double receiving = (timeline.receiveNanos() - receiveNanos0) / 1e9;
      Map<String, Object> costJson = new LinkedHashMap<>();
      if (cost != null) {
        costJson.put("cpu_percent_of_machine", cpu.since());
        costJson.putAll(cost.end(handled));
      }
      producers.stop(); // before the service stops under them; rethrows a failed send
      return new Capacity(
          handled / seconds,
          dispatched / seconds,
          rows / (double) Math.max(1, cycles),
          maxBacklog,
          pending,
          receiving * 1000 / Math.max(1, receives),
          received / (double) Math.max(1, receives),
          receiving / seconds,
          costJson);
    }
  }

  /**
   * The paced run.
   *
   * @param rate messages per second offered
   * @param intervals the latencies after the warm-up
   * @param maxInputBacklog the most messages enqueued and not handled, sampled every second
   * @param maxOutboxPending the most messages handled and not dispatched, sampled every second
   * @param dispatchedBeforeCommitSeen sends recorded before their message's completion
   */
  record Paced(
      double rate,
      Timeline.Intervals intervals,
      long maxInputBacklog,
      long maxOutboxPending,
      long dispatchedBeforeCommitSeen) {

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("rate_msgs_per_s", DbCost.round(rate));
      json.put("from", "intended enqueue time (no coordinated omission)");
      json.put("enqueue_to_handled", Load.percentiles(intervals.enqueueToHandled()));
      json.put("commit_to_dispatch", Load.percentiles(intervals.commitToDispatch()));
      json.put("enqueue_to_dispatch", Load.percentiles(intervals.enqueueToDispatch()));
      json.put("max_input_backlog", maxInputBacklog);
      json.put("max_outbox_pending", maxOutboxPending);
      json.put("dispatched_before_completion_seen", dispatchedBeforeCommitSeen);
      return json;
    }
  }

  Paced paced(TransportKind kind, double rate) throws Exception {
    reset(kind);
    try (EndToEndService service =
        EndToEndService.start(
            database,
            brokers,
            settings(kind, 1, plan.messagesPerTransaction(), false),
            nextRun())) {
      Timeline timeline = service.timeline();
      Database.sleep(500);
      Load.Pace pace = Load.Pace.startingNow(rate, plan.pacedRun());
      timeline.pacedBy(pace, Math.round(rate * plan.pacedWarmUp().toMillis() / 1000.0));
      BacklogWatch watch = BacklogWatch.start(timeline);
      Load.paced(plan.producers(), pace, (worker, ticket) -> service.produce(ticket));
      // the last messages' handling and dispatch belong to the run
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (timeline.dispatched() < pace.count() && System.nanoTime() < deadline) {
        Database.sleep(10);
      }
      watch.stop();
      return new Paced(
          rate,
          timeline.intervals(),
          watch.maxInputBacklog(),
          watch.maxOutboxPending(),
          timeline.dispatchedBeforeCommitSeen());
    }
  }

  private EndToEndService.Settings settings(
      TransportKind kind, int instances, int messagesPerTransaction, boolean observed) {
    return new EndToEndService.Settings(
        kind,
        plan.concurrency(),
        messagesPerTransaction,
        instances,
        plan.producers(),
        null,
        null,
        observed);
  }

  private static String nextRun() {
    return "e2e-r" + RUNS.incrementAndGet();
  }

  /** Every round starts from empty tables and queues. */
  void reset(TransportKind kind) throws Exception {
    Workload.truncate(database.admin(), EndToEndService.TABLES.toArray(String[]::new));
    if (kind == TransportKind.RABBITMQ) {
      for (String queue : List.of(EndToEndService.INPUT, EndToEndService.OUTPUT)) {
        try {
          Broker.withChannel(brokers.rabbitUri(), channel -> channel.queuePurge(queue));
        } catch (java.io.IOException e) {
          // not declared yet: the first round's endpoint creates it
        }
      }
    }
    if (kind == TransportKind.KAFKA) {
      KafkaTopics.purge(
          brokers.kafkaBootstrap(), List.of(EndToEndService.INPUT, EndToEndService.OUTPUT));
    }
  }
}
