package dev.pump.cli;

import dev.pump.core.PumpConfigurationException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The entry point of {@code pump}: parses the command line with picocli, runs the command, and
 * turns every failure into one line on standard error and an exit code ({@link ExitCodes}).
 */
public final class PumpCli {
  private PumpCli() {}

  /** Runs {@code pump} with the process's streams and environment, and exits with its code. */
  public static void main(String[] args) {
    Charset charset = stdoutCharset();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
    String ellipsis = charset.newEncoder().canEncode('\u2026') ? "\u2026" : "...";
    int code = run(args, out, err, System.getenv(), System.in, ellipsis);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs {@code pump} in this process: what a test calls.
   *
   * @return the exit code ({@link ExitCodes})
   */
  public static int run(
      String[] args,
      PrintWriter out,
      PrintWriter err,
      Map<String, String> environment,
      InputStream stdin) {
    return run(args, out, err, environment, stdin, "\u2026");
  }

  private static int run(
      String[] args,
      PrintWriter out,
      PrintWriter err,
      Map<String, String> environment,
      InputStream stdin,
      String ellipsis) {
    PumpCommand root = new PumpCommand(environment, stdin, ellipsis);
    CommandLine commandLine = new CommandLine(root);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setUsageHelpWidth(100);
    commandLine.setExecutionExceptionHandler(PumpCli::failed);
    commandLine.setParameterExceptionHandler(PumpCli::usage);
    UsageMessageSpec usage = commandLine.getCommandSpec().usageMessage();
    Map<String, String> codes = new LinkedHashMap<>();
    for (String line : ExitCodes.HELP) {
      int colon = line.indexOf(':');
      codes.put(line.substring(0, colon), line.substring(colon + 1));
    }
    usage.exitCodeList(codes);
    usage.sectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, new CommandList());
    try {
      return commandLine.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static int usage(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    if (!command.getSubcommands().isEmpty()
        && String.valueOf(e.getMessage()).startsWith("Missing required subcommand")) {
      err.println(
          "pump: "
              + command.getCommandSpec().qualifiedName()
              + " needs a command: "
              + String.join(", ", command.getSubcommands().keySet()));
    } else {
      err.println("pump: " + e.getMessage());
    }
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
    return ExitCodes.USAGE;
  }

  private static int failed(Exception e, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    PumpCommand root = (PumpCommand) command.getCommandSpec().root().userObject();
    int code;
    String message;
    if (e instanceof CliException cli) {
      code = cli.exitCode();
      message = cli.getMessage();
    } else if (e instanceof PumpConfigurationException || e instanceof IllegalArgumentException) {
      code = ExitCodes.USAGE;
      message = e.getMessage();
    } else {
      SQLException sql = sqlCause(e);
      code =
          sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("08")
              ? ExitCodes.NO_DATABASE
              : ExitCodes.FAILED;
      message =
          command.getCommandSpec().qualifiedName()
              + " failed: "
              + e.getMessage()
              + (sql != null && sql != e.getCause() ? " (" + sql.getMessage() + ")" : "");
    }
    err.println("pump: " + message);
    if (root.verbose()) {
      e.printStackTrace(err);
    } else if (code == ExitCodes.FAILED) {
      err.println("(--verbose prints the stack trace)");
    }
    return code;
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  // The terminal's encoding (Java 19+ names it), so that what cannot be shown becomes '?'.
  private static Charset stdoutCharset() {
    String name = System.getProperty("stdout.encoding");
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }
}
