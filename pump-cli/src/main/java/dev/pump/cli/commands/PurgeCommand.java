package dev.pump.cli.commands;

import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.cli.database.RetentionPreview;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.RetentionCleaner;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code pump purge}: what a {@link RetentionCleaner} does, once, now: deletes dispatched outbox
 * rows, inbox rows and redelivery counts past their retention windows. Parked rows and error-queue
 * messages are never purged.
 */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = "Delete dispatched outbox rows and inbox rows past their retention windows.",
    footerHeading = "%n",
    footer = {
      "Give the windows your services use: a shorter inbox window forgets handled ids sooner, and a",
      "late copy of such a message would be handled again. Parked outbox rows and error-queue",
      "messages are never purged."
    })
public final class PurgeCommand extends DatabaseCommand {
  @Option(
      names = "--outbox-retention",
      paramLabel = "AGE",
      defaultValue = "7d",
      converter = Age.class,
      description = "keep dispatched outbox rows this long: 7d, 36h, 90m or P7D (default: 7d)")
  Duration outboxRetention;

  @Option(
      names = "--inbox-retention",
      paramLabel = "AGE",
      defaultValue = "7d",
      converter = Age.class,
      description = "keep inbox rows and redelivery counts this long (at least 1m; default: 7d)")
  Duration inboxRetention;

  @Option(names = "--dry-run", description = "count what would be deleted; delete nothing")
  boolean dryRun;

  @Override
  int run(Database database) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("dryRun", dryRun);
    result.put("outboxRetention", outboxRetention);
    result.put("inboxRetention", inboxRetention);
    long outbox;
    long inbox;
    long redeliveries;
    // built even for a dry run: it refuses windows a service would refuse
    JdbcStorage storage =
        database.storage(b -> b.outboxRetention(outboxRetention).inboxRetention(inboxRetention));
    if (dryRun) {
      RetentionPreview.Counts counts =
          new RetentionPreview(database.jdbi(), database.schema())
              .count(outboxRetention, inboxRetention);
      outbox = counts.outboxRows();
      inbox = counts.inboxRows();
      redeliveries = counts.redeliveries();
    } else {
      RetentionCleaner.Purged purged = storage.operations().purgeExpired();
      outbox = purged.outboxRows();
      inbox = purged.inboxRows();
      redeliveries = purged.redeliveryRows();
    }
    result.put("outboxRows", outbox);
    result.put("inboxRows", inbox);
    result.put("redeliveries", redeliveries);
    if (json()) {
      printJson(result);
      return ExitCodes.OK;
    }
    out()
        .printf(
            "%s %d dispatched outbox rows older than %s, %d inbox rows and %d redelivery counts older"
                + " than %s%s%n",
            dryRun ? "Would purge" : "Purged",
            outbox,
            text(outboxRetention),
            inbox,
            redeliveries,
            text(inboxRetention),
            dryRun ? "; nothing was deleted (--dry-run)." : ".");
    return ExitCodes.OK;
  }

  private static String text(Duration age) {
    long seconds = age.toSeconds();
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }

  /** Reads {@code 7d}, {@code 36h}, {@code 90m}, {@code 30s}, or ISO 8601 ({@code P7D}). */
  static final class Age implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.strip().toLowerCase(Locale.ROOT);
      try {
        if (text.startsWith("p")) {
          return Duration.parse(text.toUpperCase(Locale.ROOT));
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
          case 'd' -> Duration.ofDays(amount);
          case 'h' -> Duration.ofHours(amount);
          case 'm' -> Duration.ofMinutes(amount);
          case 's' -> Duration.ofSeconds(amount);
          default -> throw new NumberFormatException();
        };
      } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not an age: write 7d, 36h, 90m, 30s or ISO 8601 such as P7D");
      }
    }
  }
}
