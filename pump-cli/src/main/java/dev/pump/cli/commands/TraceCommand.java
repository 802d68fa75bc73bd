package dev.pump.cli.commands;

import dev.pump.cli.CliException;
import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.cli.database.TraceQuery;
import dev.pump.cli.database.TraceQuery.Trace;
import dev.pump.cli.output.Formats;
import dev.pump.cli.output.SafeText;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pump trace}: what became of one message and what it caused, from the audit views ({@link
 * TraceQuery}).
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = "Trace a message: who sent it, who handled it, where it waits, what it caused.")
public final class TraceCommand extends DatabaseCommand {
  @Parameters(paramLabel = "MESSAGE-ID", description = "the message id")
  String messageId;

  @Option(
      names = "--depth",
      paramLabel = "N",
      defaultValue = "5",
      description = "follow caused messages N levels down (0 to 20, default: ${DEFAULT-VALUE})")
  int depth;

  @Override
  int run(Database database) {
    String id = Inputs.messageId(spec, messageId);
    if (depth < 0 || depth > 20) {
      throw usage("--depth must be between 0 and 20, was " + depth);
    }
    Trace trace = new TraceQuery(database.jdbi(), database.schema()).trace(id, depth);
    if (trace.empty() && trace.caused().isEmpty()) {
      throw new CliException(
          ExitCodes.NOT_FOUND,
          "no trace of message "
              + SafeText.inline(id)
              + " in schema "
              + database.schema()
              + ": not in the outbox, an inbox, a queue or the discards (rows are purged after"
              + " the retention windows, 7 days by default)");
    }
    if (json()) {
      printJson(trace);
    } else {
      print(out(), trace, "");
    }
    return ExitCodes.OK;
  }

  private static void print(PrintWriter out, Trace trace, String indent) {
    out.println(indent + "message " + SafeText.inline(trace.messageId()));
    String detail = indent + "  ";
    if (trace.empty()) {
      out.println(detail + "(no row of its own: sent from outside Pump, or purged)");
    }
    for (TraceQuery.Sent sent : trace.sent()) {
      out.println(
          detail
              + sent.kind()
              + (sent.messageType() == null || sent.messageType().isBlank()
                  ? ""
                  : " " + SafeText.inline(sent.messageType()))
              + " by "
              + SafeText.inline(sent.endpoint())
              + (sent.causationId() == null
                  ? ""
                  : " (caused by " + SafeText.inline(sent.causationId()) + ")")
              + " to "
              + SafeText.inline(sent.destination())
              + ": "
              + sent.state()
              + " "
              + Formats.instant(
                  sent.dispatchedAt() != null
                      ? sent.dispatchedAt()
                      : sent.parkedAt() != null ? sent.parkedAt() : sent.createdAt())
              + (sent.attempts() > 0 ? ", " + sent.attempts() + " failed attempts" : "")
              + (sent.lastError() == null
                  ? ""
                  : ", last error: " + SafeText.inline(sent.lastError()))
              + " [outbox row "
              + sent.outboxId()
              + "]");
    }
    for (TraceQuery.Handled handled : trace.handled()) {
      out.println(
          detail
              + "handled by "
              + SafeText.inline(handled.endpoint())
              + " "
              + Formats.instant(handled.processedAt())
              + (handled.duplicates() > 0
                  ? ", " + handled.duplicates() + " duplicates skipped"
                  : ""));
    }
    for (TraceQuery.Queued queued : trace.queued()) {
      out.println(
          detail
              + (queued.failedQueue() == null
                  ? "waiting in queue " + SafeText.inline(queued.queue())
                  : "failed in "
                      + SafeText.inline(queued.failedQueue())
                      + ", in error queue "
                      + SafeText.inline(queued.queue())
                      + " ("
                      + SafeText.inline(queued.reason())
                      + (queued.exceptionMessage() == null
                          ? ""
                          : ": " + SafeText.inline(queued.exceptionMessage()))
                      + ")")
              + " since "
              + Formats.instant(queued.enqueuedAt()));
    }
    for (TraceQuery.Discarded discarded : trace.discarded()) {
      out.println(
          detail
              + "discarded from "
              + discarded.source()
              + " "
              + SafeText.inline(discarded.location())
              + " by "
              + SafeText.inline(discarded.discardedBy())
              + " "
              + Formats.instant(discarded.discardedAt()));
    }
    if (!trace.caused().isEmpty()) {
      out.println(detail + "caused " + trace.caused().size() + ":");
      trace.caused().forEach(child -> print(out, child, indent + "    "));
    }
    if (trace.more()) {
      out.println(detail + "(caused more, not shown: raise --depth)");
    }
  }
}
