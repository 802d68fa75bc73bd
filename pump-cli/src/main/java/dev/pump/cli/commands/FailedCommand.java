package dev.pump.cli.commands;

import dev.pump.cli.CliException;
import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.cli.output.Formats;
import dev.pump.cli.output.SafeText;
import dev.pump.jdbc.ErrorQueue;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pump failed}: messages a handler failed on, in an error queue of the PostgreSQL transport
 * or of RabbitMQ ({@link ErrorQueue}).
 */
@Command(
    name = "failed",
    mixinStandardHelpOptions = true,
    description = "Messages a handler failed on, in a PostgreSQL or RabbitMQ error queue.",
    subcommands = {
      FailedCommand.ListFailed.class,
      FailedCommand.ShowFailed.class,
      FailedCommand.RetryFailed.class,
      FailedCommand.DiscardFailed.class
    })
public final class FailedCommand {
  /** How many rounds of {@value ErrorQueue#MAX_LIMIT} one {@code discard --all} takes at most. */
  static final int DISCARD_ALL_ROUNDS = 10;

  private FailedCommand() {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the messages in an error queue, oldest first, filtered and paged.")
  static final class ListFailed extends DatabaseCommand {
    @Mixin ErrorQueueSource source;
    @Mixin FailedFilter criteria;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "50",
        description = "show at most N, 1 to 1000 (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(
        names = "--after",
        paramLabel = "CURSOR",
        description = "the page after CURSOR, as the page before printed it")
    String after;

    @Override
    int run(Database database) {
      String name = source.name(spec);
      ErrorQueue.Filter filter = criteria.filter(spec, limit, after);
      ErrorQueue.Page page = source.on(spec, database, errors -> errors.list(filter));
      if (json()) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("queue", name);
        result.put("messages", page.messages());
        result.put("next", page.next());
        printJson(result);
        return ExitCodes.OK;
      }
      if (page.messages().isEmpty()) {
        out()
            .println(
                "Error queue "
                    + name
                    + (criteria.any() || after != null ? " has no match." : " is empty."));
        return ExitCodes.OK;
      }
      var table =
          table()
              .column("MESSAGE ID", 36)
              .column("FAILED IN", 20)
              .column("REASON", 18)
              .column("FAILED AT", 20)
              .column("EXCEPTION", 70);
      for (ErrorQueue.Message message : page.messages()) {
        table.row(
            message.messageId(),
            message.failedQueue(),
            message.reason(),
            Formats.instant(message.failedAt()),
            exception(message));
      }
      table.print();
      if (page.next() != null) {
        out().println("(more: --after " + page.next() + " shows the next page)");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one failed message: why it failed, its headers, stack trace and body.")
  static final class ShowFailed extends DatabaseCommand {
    @Mixin ErrorQueueSource source;

    @Parameters(paramLabel = "MESSAGE-ID", description = "the message id")
    String messageId;

    @Override
    int run(Database database) {
      String name = source.name(spec);
      String id = Inputs.messageId(spec, messageId);
      Optional<ErrorQueue.Message> found = source.on(spec, database, errors -> errors.show(id));
      if (found.isEmpty()) {
        throw notFound(id, name);
      }
      ErrorQueue.Message message = found.get();
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
      field(out, "failed at", Formats.instant(message.failedAt()));
      field(out, "attempts", Integer.toString(message.attempts()));
      out.println("headers");
      Map<String, String> headers = new TreeMap<>(message.headers());
      headers.remove(dev.pump.core.Headers.STACK_TRACE);
      headers.forEach((k, v) -> out.println("  " + SafeText.inline(k) + ": " + SafeText.inline(v)));
      if (message.stackTrace() != null) {
        out.println("stack trace");
        SafeText.lines(message.stackTrace()).lines().forEach(line -> out.println("  " + line));
      }
      boolean cut = message.bodyBytes() > ErrorQueue.BODY_PREVIEW_BYTES;
      out.println(
          "body ("
              + message.bodyBytes()
              + " bytes"
              + (cut ? ", the first " + ErrorQueue.BODY_PREVIEW_BYTES + " shown" : "")
              + (message.bodyIsText() ? "" : ", not UTF-8: as hex")
              + ")");
      out.println("  " + SafeText.inline(message.bodyPreview()));
      return ExitCodes.OK;
    }
  }

  /** Message ids, or {@code --all} with optional criteria. */
  static final class Selection {
    @Parameters(paramLabel = "MESSAGE-ID", arity = "0..*", description = "the messages, by id")
    List<String> messageIds = new ArrayList<>();

    @Mixin FailedFilter criteria;
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description =
          "Move failed messages back to the queue they failed in: by id, or --all (those the"
              + " criteria select, else every one).")
  static final class RetryFailed extends DatabaseCommand {
    @Mixin ErrorQueueSource source;
    @Mixin Selection selection;

    @Option(
        names = "--all",
        description = "retry what the criteria select, else every message (each at most once)")
    boolean all;

    @Override
    int run(Database database) {
      String name = source.name(spec);
      if (all == !selection.messageIds.isEmpty()) {
        throw usage("give the message ids to retry, or --all (not both)");
      }
      if (!all && selection.criteria.any()) {
        throw usage("criteria select with --all; with message ids, give no criteria");
      }
      if (all && !selection.criteria.any()) {
        int moved = source.on(spec, database, ErrorQueue::retryAll);
        if (json()) {
          printJson(Map.of("queue", name, "retried", moved));
        } else {
          out().println("Retried " + moved + " messages from " + name + ".");
        }
        return ExitCodes.OK;
      }
      List<String> ids = all ? List.of() : ids(spec, selection);
      List<ErrorQueue.Outcome> outcomes =
          all
              ? source.on(
                  spec,
                  database,
                  errors ->
                      errors.retry(selection.criteria.filter(spec, ErrorQueue.MAX_LIMIT, null)))
              : source.on(spec, database, errors -> errors.retry(ids));
      return report(this, name, "retried", outcomes, !all);
    }
  }

  @Command(
      name = "discard",
      mixinStandardHelpOptions = true,
      description =
          "Discard failed messages (moved whole into discarded_message, with who and when).")
  static final class DiscardFailed extends DatabaseCommand {
    @Mixin ErrorQueueSource source;
    @Mixin Selection selection;
    @Mixin DiscardOptions options;

    @Override
    int run(Database database) {
      String name = source.name(spec);
      String who = options.who(spec);
      boolean all = options.all;
      if (all == !selection.messageIds.isEmpty()) {
        throw usage("give the message ids to discard, or --all --yes (not both)");
      }
      if (!all && selection.criteria.any()) {
        throw usage("criteria select with --all; with message ids, give no criteria");
      }
      if (all && !options.yes) {
        throw usage(
            "--all discards every message of error queue "
                + name
                + (selection.criteria.any() ? " that the criteria select" : "")
                + ": add --yes to confirm (nothing was discarded)");
      }
      if (!all) {
        List<String> ids = ids(spec, selection);
        List<ErrorQueue.Outcome> outcomes =
            source.on(spec, database, errors -> errors.discard(ids, who));
        return report(this, name, "discarded by " + who + ":", outcomes, true);
      }
      ErrorQueue.Filter filter = selection.criteria.filter(spec, ErrorQueue.MAX_LIMIT, null);
      List<ErrorQueue.Outcome> outcomes = new ArrayList<>();
      boolean more =
          source.on(
              spec,
              database,
              errors -> {
                for (int round = 0; round < DISCARD_ALL_ROUNDS; round++) {
                  List<ErrorQueue.Outcome> done = errors.discard(filter, who);
                  outcomes.addAll(done);
                  if (done.size() < ErrorQueue.MAX_LIMIT) {
                    return false;
                  }
                }
                return true;
              });
      if (more) {
        err().println("More messages may remain: run it again.");
      }
      return report(this, name, "discarded by " + who + ":", outcomes, false);
    }
  }

  private static List<String> ids(picocli.CommandLine.Model.CommandSpec spec, Selection selection) {
    return List.copyOf(new LinkedHashSet<>(Inputs.messageIds(spec, selection.messageIds)));
  }

  private static int report(
      DatabaseCommand command,
      String queue,
      String verb,
      List<ErrorQueue.Outcome> outcomes,
      boolean named) {
    List<String> done = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (ErrorQueue.Outcome outcome : outcomes) {
      switch (outcome.result()) {
        case RETRIED, DISCARDED -> done.add(outcome.messageId());
        case NOT_FOUND -> missing.add(outcome.messageId());
        case FAILED -> failed.put(outcome.messageId(), outcome.detail());
      }
    }
    if (command.json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("queue", queue);
      result.put(verb.split(" ")[0], done);
      result.put("notFound", missing);
      result.put("failed", failed);
      command.printJson(result);
    } else {
      done.forEach(id -> command.out().println(capitalised(verb) + " " + SafeText.inline(id)));
      if (done.isEmpty()) {
        command.out().println("Nothing " + verb.split(" ")[0] + ".");
      }
    }
    if (named) {
      missing.forEach(id -> command.err().println("pump: " + notFound(id, queue).getMessage()));
    }
    failed.forEach((id, why) ->
        command.err().println("pump: " + SafeText.inline(id) + ": " + SafeText.inline(why)));
    return !failed.isEmpty()
        ? ExitCodes.FAILED
        : named && !missing.isEmpty() ? ExitCodes.NOT_FOUND : ExitCodes.OK;
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

  private static String exception(ErrorQueue.Message message) {
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
