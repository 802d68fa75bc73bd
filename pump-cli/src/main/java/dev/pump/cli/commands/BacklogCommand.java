package dev.pump.cli.commands;

import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.cli.output.Formats;
import dev.pump.jdbc.PumpOperations;
import dev.pump.jdbc.PumpOperations.Backlog;
import dev.pump.jdbc.PumpOperations.OutboxStatistics;
import dev.pump.jdbc.PumpOperations.QueueDepth;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;

/**
 * {@code pump backlog}: what waits. The outbox per destination (pending, due, parked, the oldest
 * pending row's age) and the PostgreSQL queues' depths.
 */
@Command(
    name = "backlog",
    mixinStandardHelpOptions = true,
    description = "Show what waits: the outbox per destination and the PostgreSQL queues.")
public final class BacklogCommand extends DatabaseCommand {
  /**
   * One destination's outbox.
   *
   * @param destination the queue, or the message type's topic
   * @param pending rows not yet dispatched nor parked
   * @param due pending rows whose due time has come
   * @param parked rows parked after their last attempt
   * @param oldestAge how long the oldest pending row has waited
   */
  public record Destination(
      String destination, long pending, long due, long parked, Duration oldestAge) {}

  /**
   * What {@code --json} prints.
   *
   * @param outbox per destination with pending or parked rows
   * @param queues per PostgreSQL queue holding messages, error queues included
   */
  public record Report(List<Destination> outbox, List<QueueDepth> queues) {}

  @Override
  int run(Database database) {
    PumpOperations operations = database.operations();
    Map<String, Destination> outbox = new TreeMap<>();
    for (Backlog backlog : operations.outboxBacklog()) {
      outbox.put(
          backlog.destination(),
          new Destination(
              backlog.destination(), backlog.pending(), backlog.due(), 0, backlog.oldestAge()));
    }
    for (OutboxStatistics row : operations.statistics().outbox()) {
      if (row.parked() > 0) {
        outbox.merge(
            row.destination(),
            new Destination(row.destination(), 0, 0, row.parked(), Duration.ZERO),
            (a, b) ->
                new Destination(a.destination(), a.pending(), a.due(), b.parked(), a.oldestAge()));
      }
    }
    Report report = new Report(List.copyOf(outbox.values()), List.copyOf(operations.queueDepths()));
    if (json()) {
      printJson(report);
      return ExitCodes.OK;
    }
    if (report.outbox().isEmpty()) {
      out().println("Outbox: nothing waits; everything committed has been relayed.");
    } else {
      out().println("Outbox");
      var table =
          table()
              .column("DESTINATION", 40)
              .right("PENDING", 10)
              .right("DUE", 10)
              .right("PARKED", 10)
              .right("OLDEST", 8);
      long parked = 0;
      for (Destination row : report.outbox()) {
        table.row(
            row.destination(),
            row.pending(),
            row.due(),
            row.parked(),
            row.pending() == 0 ? "" : Formats.age(row.oldestAge()));
        parked += row.parked();
      }
      table.print();
      if (parked > 0) {
        out().println("(parked rows: " + parked + "; `pump parked list` shows them)");
      }
    }
    out().println();
    if (report.queues().isEmpty()) {
      out().println("Queues: empty.");
    } else {
      out().println("Queues (PostgreSQL transport)");
      var table =
          table().column("QUEUE", 40).right("MESSAGES", 10).right("VISIBLE", 10).right("OLDEST", 8);
      for (QueueDepth queue : report.queues()) {
        table.row(queue.queue(), queue.messages(), queue.visible(), Formats.age(queue.oldestAge()));
      }
      table.print();
    }
    return ExitCodes.OK;
  }
}
