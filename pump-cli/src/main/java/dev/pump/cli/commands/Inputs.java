package dev.pump.cli.commands;

import dev.pump.core.Headers;
import dev.pump.core.internal.shared.Names;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks what an operator types before anything runs, naming the rule: queue and destination names
 * follow Pump's name rule, message ids are 1 to 200 characters without control characters, a limit
 * is between 1 and {@value #MAX_LIMIT}.
 */
final class Inputs {
  /** The largest {@code --limit}: {@value}. */
  static final int MAX_LIMIT = 10_000;

  private Inputs() {}

  static String name(CommandSpec spec, String option, String value) {
    String problem = Names.problem(option, value);
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), problem);
    }
    return value;
  }

  static List<String> messageIds(CommandSpec spec, List<String> ids) {
    ids.forEach(id -> messageId(spec, id));
    return ids;
  }

  static String messageId(CommandSpec spec, String id) {
    String problem =
        id.isEmpty() || id.length() > Names.MAX_LENGTH
            ? "a message id must be 1 to " + Names.MAX_LENGTH + " characters, was " + id.length()
            : id.codePoints().anyMatch(Character::isISOControl)
                ? "a message id must not contain control characters, was \""
                    + dev.pump.cli.output.SafeText.inline(id)
                    + "\""
                : Headers.textProblem("the message id", id);
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), problem);
    }
    return id;
  }

  static String operator(CommandSpec spec, String by) {
    if (by == null
        || by.isBlank()
        || by.length() > Names.MAX_LENGTH
        || by.codePoints().anyMatch(Character::isISOControl)) {
      throw new ParameterException(
          spec.commandLine(),
          "--by must be a user name of 1 to 200 characters without control characters, was \""
              + dev.pump.cli.output.SafeText.inline(by)
              + "\"");
    }
    return by;
  }

  static int limit(CommandSpec spec, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ParameterException(
          spec.commandLine(), "--limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }
    return limit;
  }

  /** The operating-system user running pump, for {@code --by}. */
  static String processUser() {
    String user = System.getProperty("user.name");
    return user == null || user.isBlank() ? "unknown" : user;
  }
}
