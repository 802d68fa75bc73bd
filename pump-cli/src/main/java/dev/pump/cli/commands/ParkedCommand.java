package dev.pump.cli.commands;

import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.cli.output.Formats;
import dev.pump.jdbc.PumpOperations;
import dev.pump.jdbc.PumpOperations.Parked;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pump parked}: outbox rows the dispatcher gave up on. Apart from {@code pump failed}
 * because they are another thing: a send that failed, not a handler; named by the outbox row's
 * number, not a message id; re-driven per destination once it is fixed.
 */
@Command(
    name = "parked",
    mixinStandardHelpOptions = true,
    description = "Outbox rows the dispatcher parked after its last attempt to send them.",
    subcommands = {
      ParkedCommand.ListParked.class,
      ParkedCommand.RetryParked.class,
      ParkedCommand.DiscardParked.class
    })
public final class ParkedCommand {
  /** How many rows {@code discard --all} takes at once: {@value}. */
  static final int DISCARD_ALL_AT_MOST = 10_000;

  private ParkedCommand() {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List parked outbox rows, oldest first.")
  static final class ListParked extends DatabaseCommand {
    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "50",
        description = "show at most N (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    int run(Database database) {
      List<Parked> parked = database.operations().parked(Inputs.limit(spec, limit));
      if (json()) {
        printJson(parked);
        return ExitCodes.OK;
      }
      if (parked.isEmpty()) {
        out().println("No parked outbox rows.");
        return ExitCodes.OK;
      }
      var table =
          table()
              .right("ID", 12)
              .column("DESTINATION", 30)
              .column("MESSAGE ID", 36)
              .right("ATTEMPTS", 8)
              .column("PARKED", 20)
              .column("LAST ERROR", 70);
      for (Parked row : parked) {
        table.row(
            row.id(),
            row.destination(),
            row.messageId(),
            row.attempts(),
            Formats.instant(row.parkedAt()),
            row.lastError());
      }
      table.print();
      if (parked.size() == limit) {
        out().println("(the first " + limit + "; --limit shows more)");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Re-queue parked rows: by id, --destination or --all (attempts restart).")
  static final class RetryParked extends DatabaseCommand {
    @Parameters(paramLabel = "ID", arity = "0..*", description = "outbox row ids (parked list)")
    List<Long> ids = new ArrayList<>();

    @Option(
        names = "--destination",
        paramLabel = "DESTINATION",
        description = "re-queue every parked row to this destination")
    String destination;

    @Option(names = "--all", description = "re-queue every parked row")
    boolean all;

    @Override
    int run(Database database) {
      int choices = (ids.isEmpty() ? 0 : 1) + (destination == null ? 0 : 1) + (all ? 1 : 0);
      if (choices != 1) {
        throw usage("give the row ids to re-queue, --destination or --all (one of them)");
      }
      PumpOperations operations = database.operations();
      if (!ids.isEmpty()) {
        List<Long> done = new ArrayList<>();
        List<Long> missing = new ArrayList<>();
        for (long id : new LinkedHashSet<>(ids)) {
          (operations.requeueParked(id) == 1 ? done : missing).add(id);
        }
        return report(this, "requeued", done, missing);
      }
      int count =
          all
              ? operations.requeueAllParked()
              : operations.requeueParked(Inputs.name(spec, "--destination", destination));
      if (json()) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (destination != null) {
          result.put("destination", destination);
        }
        result.put("requeued", count);
        printJson(result);
      } else {
        out()
            .println(
                "Re-queued "
                    + count
                    + " parked rows"
                    + (destination == null ? "" : " to " + destination)
                    + ".");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "discard",
      mixinStandardHelpOptions = true,
      description = "Discard parked rows (moved whole into discarded_message, with who and when).")
  static final class DiscardParked extends DatabaseCommand {
    @Parameters(paramLabel = "ID", arity = "0..*", description = "outbox row ids (parked list)")
    List<Long> ids = new ArrayList<>();

    @picocli.CommandLine.Mixin DiscardOptions selection;

    @Override
    int run(Database database) {
      String who = selection.who(spec);
      boolean all = selection.all;
      if (all == !ids.isEmpty()) {
        throw usage("give the row ids to discard, or --all --yes (not both)");
      }
      if (all && !selection.yes) {
        throw usage(
            "--all discards every parked row: add --yes to confirm (nothing was discarded)");
      }
      PumpOperations operations = database.operations();
      List<Long> chosen =
          all
              ? operations.parked(DISCARD_ALL_AT_MOST).stream().map(Parked::id).toList()
              : List.copyOf(new LinkedHashSet<>(ids));
      List<Long> done = new ArrayList<>();
      List<Long> missing = new ArrayList<>();
      for (long id : chosen) {
        (operations.discardParked(id, who) ? done : missing).add(id);
      }
      if (all && chosen.size() == DISCARD_ALL_AT_MOST) {
        err().println("More rows may remain: run it again.");
      }
      return report(this, "discarded", done, all ? List.of() : missing);
    }
  }

  private static int report(
      DatabaseCommand command, String verb, List<Long> done, List<Long> missing) {
    if (command.json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put(verb, done);
      result.put("notFound", missing);
      command.printJson(result);
    } else if (done.isEmpty()) {
      command.out().println("Nothing " + verb + ".");
    } else {
      command
          .out()
          .println(
              (verb.equals("requeued") ? "Re-queued" : "Discarded") + " parked rows " + join(done));
    }
    for (long id : missing) {
      command
          .err()
          .println(
              "pump: no parked outbox row "
                  + id
                  + " (pending and dispatched rows are never re-queued or discarded;"
                  + " `pump parked list` lists the parked ones)");
    }
    return missing.isEmpty() ? ExitCodes.OK : ExitCodes.NOT_FOUND;
  }

  private static String join(List<Long> ids) {
    return String.join(", ", ids.stream().map(String::valueOf).toList());
  }
}
