package dev.pump.cli.commands;

import dev.pump.cli.CliException;
import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.cli.output.Formats;
import dev.pump.cli.output.SafeText;
import dev.pump.core.Headers;
import dev.pump.jdbc.PumpOperations;
import dev.pump.jdbc.PumpOperations.FailedMessage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pump failed}: messages a handler failed on, in an error queue of the PostgreSQL transport
 * ({@code PumpOperations}' failed-message calls).
 */
@Command(
    name = "failed",
    mixinStandardHelpOptions = true,
    description = "Messages a handler failed on, in a PostgreSQL error queue.",
    subcommands = {
      FailedCommand.ListFailed.class,
      FailedCommand.ShowFailed.class,
      FailedCommand.RetryFailed.class,
      FailedCommand.DiscardFailed.class
    })
public final class FailedCommand {
  /** How many messages {@code discard --all} takes at once: {@value}. */
  static final int DISCARD_ALL_AT_MOST = 10_000;

  private FailedCommand() {}

  /** The error queue option, shared by the subcommands. */
  static final class Queue {
    @Option(
        names = "--queue",
        paramLabel = "QUEUE",
        defaultValue = "error",
        description = "the error queue (default: ${DEFAULT-VALUE})")
    String queue;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the messages in an error queue, oldest first.")
  static final class ListFailed extends DatabaseCommand {
    @picocli.CommandLine.Mixin Queue queue;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "50",
        description = "show at most N (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    int run(Database database) {
      String name = Inputs.name(spec, "--queue", queue.queue);
      List<FailedMessage> failed =
          database.operations().failedMessages(name, Inputs.limit(spec, limit));
      if (json()) {
        printJson(failed);
        return ExitCodes.OK;
      }
      if (failed.isEmpty()) {
        out().println("Error queue " + name + " is empty.");
        return ExitCodes.OK;
      }
      var table =
          table()
              .column("MESSAGE ID", 36)
              .column("FAILED IN", 20)
              .column("REASON", 18)
              .column("ENQUEUED", 20)
              .column("EXCEPTION", 70);
      for (FailedMessage message : failed) {
        table.row(
            message.messageId(),
            message.failedQueue(),
            message.reason(),
            Formats.instant(message.enqueuedAt()),
            exception(message));
      }
      table.print();
      if (failed.size() == limit) {
        out().println("(the first " + limit + "; --limit shows more)");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one failed message: why it failed, its headers, stack trace and body.")
  static final class ShowFailed extends DatabaseCommand {
    @picocli.CommandLine.Mixin Queue queue;

    @Parameters(paramLabel = "MESSAGE-ID", description = "the message id")
    String messageId;

    @Override
    int run(Database database) {
      String name = Inputs.name(spec, "--queue", queue.queue);
      String id = Inputs.messageId(spec, messageId);
      Optional<FailedMessage> found = database.operations().failedMessage(name, id);
      if (found.isEmpty()) {
        throw notFound(id, name);
      }
      FailedMessage message = found.get();
      if (json()) {
        printJson(message);
        return ExitCodes.OK;
      }
      PrintWriter out = out();
      field(out, "message id", message.messageId());
      field(out, "error queue", name);
      field(out, "failed in", message.failedQueue());
      field(out, "reason", message.reason());
      field(out, "exception", exception(message));
      field(out, "enqueued", Formats.instant(message.enqueuedAt()));
      out.println("headers");
      Map<String, String> headers = new TreeMap<>(message.headers());
      String stackTrace = headers.remove(Headers.STACK_TRACE);
      headers.forEach((k, v) -> out.println("  " + SafeText.inline(k) + ": " + SafeText.inline(v)));
      if (stackTrace != null) {
        out.println("stack trace");
        SafeText.lines(stackTrace).lines().forEach(line -> out.println("  " + line));
      }
      boolean cut = message.bodyBytes() > PumpOperations.BODY_PREVIEW_BYTES;
      out.println(
          "body ("
              + message.bodyBytes()
              + " bytes"
              + (cut ? ", the first " + PumpOperations.BODY_PREVIEW_BYTES + " shown" : "")
              + ")");
      out.println("  " + SafeText.inline(message.bodyPreview()));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Move failed messages back to the queue they failed in, by id or --all.")
  static final class RetryFailed extends DatabaseCommand {
    @picocli.CommandLine.Mixin Queue queue;

    @Parameters(paramLabel = "MESSAGE-ID", arity = "0..*", description = "the messages to retry")
    List<String> messageIds = new ArrayList<>();

    @Option(
        names = "--all",
        description = "retry every message in the error queue (each at most once)")
    boolean all;

    @Override
    int run(Database database) {
      String name = Inputs.name(spec, "--queue", queue.queue);
      if (all == !messageIds.isEmpty()) {
        throw usage("give the message ids to retry, or --all (not both)");
      }
      PumpOperations operations = database.operations();
      if (all) {
        int moved = operations.retryAllFailed(name);
        if (json()) {
          printJson(Map.of("queue", name, "retried", moved));
        } else {
          out().println("Retried " + moved + " messages from " + name + ".");
        }
        return ExitCodes.OK;
      }
      List<String> retried = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (String id : new LinkedHashSet<>(Inputs.messageIds(spec, messageIds))) {
        (operations.retryFailed(name, id) ? retried : missing).add(id);
      }
      return report(this, name, "retried", retried, missing);
    }
  }

  @Command(
      name = "discard",
      mixinStandardHelpOptions = true,
      description =
          "Discard failed messages (moved whole into discarded_message, with who and when).")
  static final class DiscardFailed extends DatabaseCommand {
    @picocli.CommandLine.Mixin Queue queue;

    @Parameters(paramLabel = "MESSAGE-ID", arity = "0..*", description = "the messages to discard")
    List<String> messageIds = new ArrayList<>();

    @picocli.CommandLine.Mixin DiscardOptions selection;

    @Override
    int run(Database database) {
      String name = Inputs.name(spec, "--queue", queue.queue);
      String who = selection.who(spec);
      boolean all = selection.all;
      if (all == !messageIds.isEmpty()) {
        throw usage("give the message ids to discard, or --all --yes (not both)");
      }
      PumpOperations operations = database.operations();
      List<String> ids;
      if (all) {
        if (!selection.yes) {
          throw usage(
              "--all discards every message of error queue "
                  + name
                  + ": add --yes to confirm (nothing was discarded)");
        }
        ids =
            operations.failedMessages(name, DISCARD_ALL_AT_MOST).stream()
                .map(FailedMessage::messageId)
                .distinct()
                .toList();
      } else {
        ids = List.copyOf(new LinkedHashSet<>(Inputs.messageIds(spec, messageIds)));
      }
      List<String> discarded = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (String id : ids) {
        (operations.discardFailed(name, id, who) > 0 ? discarded : missing).add(id);
      }
      if (all && ids.size() == DISCARD_ALL_AT_MOST) {
        err().println("More messages may remain: run it again.");
      }
      return report(this, name, "discarded by " + who + ":", discarded, all ? List.of() : missing);
    }
  }

  private static int report(
      DatabaseCommand command, String queue, String verb, List<String> done, List<String> missing) {
    if (command.json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("queue", queue);
      result.put(verb.split(" ")[0], done);
      result.put("notFound", missing);
      command.printJson(result);
    } else {
      done.forEach(id -> command.out().println(capitalised(verb) + " " + SafeText.inline(id)));
      if (done.isEmpty()) {
        command.out().println("Nothing " + verb.split(" ")[0] + ".");
      }
    }
    missing.forEach(id -> command.err().println("pump: " + notFound(id, queue).getMessage()));
    return missing.isEmpty() ? ExitCodes.OK : ExitCodes.NOT_FOUND;
  }

  private static String capitalised(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private static CliException notFound(String id, String queue) {
    return new CliException(
        ExitCodes.NOT_FOUND,
        "no message "
            + SafeText.inline(id)
            + " in error queue "
            + queue
            + " (`pump failed list --queue "
            + queue
            + "` lists what is there)");
  }

  private static String exception(FailedMessage message) {
    if (message.exceptionType() == null) {
      return message.exceptionMessage();
    }
    return message.exceptionMessage() == null
        ? message.exceptionType()
        : message.exceptionType() + ": " + message.exceptionMessage();
  }

  private static void field(PrintWriter out, String name, String value) {
    out.printf("%-12s %s%n", name, SafeText.inline(value));
  }
}
