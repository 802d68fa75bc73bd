package dev.pump.cli.commands;

import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.cli.output.Formats;
import dev.pump.jdbc.PumpOperations.Discarded;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pump discarded}: the audit of what operators discarded, newest first. */
@Command(
    name = "discarded",
    mixinStandardHelpOptions = true,
    description = "List what operators discarded, newest first (the discarded_message audit).")
public final class DiscardedCommand extends DatabaseCommand {
  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "show at most N (default: ${DEFAULT-VALUE})")
  int limit;

  @Override
  int run(Database database) {
    List<Discarded> discarded = database.operations().discarded(Inputs.limit(spec, limit));
    if (json()) {
      printJson(discarded);
      return ExitCodes.OK;
    }
    if (discarded.isEmpty()) {
      out().println("Nothing was discarded.");
      return ExitCodes.OK;
    }
    var table =
        table()
            .column("DISCARDED", 20)
            .column("BY", 20)
            .column("FROM", 11)
            .column("LOCATION", 30)
            .column("MESSAGE ID", 36)
            .column("REASON", 40);
    for (Discarded row : discarded) {
      table.row(
          Formats.instant(row.discardedAt()),
          row.discardedBy(),
          row.source(),
          row.location(),
          row.messageId(),
          row.reason());
    }
    table.print();
    return ExitCodes.OK;
  }
}
