package dev.pump.cli.commands;

import dev.pump.jdbc.ErrorQueue;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Which failed messages a {@code pump failed} command selects, all criteria together. */
final class FailedFilter {
  @Option(names = "--failed-in", paramLabel = "QUEUE", description = "failed in this queue")
  String failedIn;

  @Option(
      names = "--reason",
      paramLabel = "REASON",
      description = "given up on for this reason: unrecoverable, retries-exhausted, ...")
  String reason;

  @Option(
      names = "--exception",
      paramLabel = "CLASS",
      description = "failed with this exception class, e.g. java.lang.IllegalStateException")
  String exception;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      converter = When.class,
      description =
          "failed at or after WHEN: an instant (2026-12-06T03:00:00Z) or a duration ago"
              + " (PT2H)")
  Instant since;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      converter = When.class,
      description = "failed before WHEN, as --since")
  Instant until;

  @Option(
      names = "--containing",
      paramLabel = "TEXT",
      description = "its id, a header or its body contains TEXT (case-sensitive)")
  String containing;

  /** Whether any criterion is set. */
  boolean any() {
    return failedIn != null
        || reason != null
        || exception != null
        || since != null
        || until != null
        || containing != null;
  }

  /** The filter, with {@code limit}; a refused value is a usage error naming the option. */
  ErrorQueue.Filter filter(CommandSpec spec, int limit, String after) {
    try {
      ErrorQueue.Filter filter = ErrorQueue.Filter.all().limit(limit).after(after);
      if (failedIn != null) {
        filter = filter.failedQueue(Inputs.name(spec, "--failed-in", failedIn));
      }
      if (reason != null) {
        filter = filter.reason(reason);
      }
      if (exception != null) {
        filter = filter.exceptionType(exception);
      }
      if (since != null || until != null) {
        filter = filter.failedBetween(since, until);
      }
      if (containing != null) {
        filter = filter.containing(containing);
      }
      return filter;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** An instant, or a duration before now. */
  static final class When implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return value.startsWith("P") || value.startsWith("p")
            ? Instant.now().minus(Duration.parse(value))
            : Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "expected an instant such as 2026-12-06T03:00:00Z or a duration ago such as PT2H, was "
                + dev.pump.cli.output.SafeText.inline(value));
      }
    }
  }
}
