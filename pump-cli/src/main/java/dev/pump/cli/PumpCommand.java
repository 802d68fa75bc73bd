package dev.pump.cli;

import dev.pump.cli.commands.BacklogCommand;
import dev.pump.cli.commands.ConsoleCommand;
import dev.pump.cli.commands.DiscardedCommand;
import dev.pump.cli.commands.FailedCommand;
import dev.pump.cli.commands.MigrateCommand;
import dev.pump.cli.commands.ParkedCommand;
import dev.pump.cli.commands.PurgeCommand;
import dev.pump.cli.commands.TraceCommand;
import dev.pump.cli.database.ConnectionSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code pump} itself: the options every command shares (where the database is, which schema,
 * {@code --json}) and the list of commands. The options may come before or after the command.
 */
@Command(
    name = "pump",
    mixinStandardHelpOptions = true,
    versionProvider = PumpCommand.Version.class,
    header = "Operate Pump from a terminal: failed messages, parked rows, the backlog, traces.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      FailedCommand.class,
      ParkedCommand.class,
      DiscardedCommand.class,
      BacklogCommand.class,
      TraceCommand.class,
      ConsoleCommand.class,
      MigrateCommand.class,
      PurgeCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    footerHeading = "%n",
    footer = {
      "The connection comes from the options, else from the environment variables PUMP_JDBC_URL,",
      "PUMP_JDBC_USER and PUMP_JDBC_PASSWORD. Only purge deletes rows (those past the retention",
      "windows); failed discard and parked discard move messages whole into discarded_message.",
      "",
      "Examples:",
      "  export PUMP_JDBC_URL=jdbc:postgresql://db:5432/shop PUMP_JDBC_USER=ops",
      "  pump backlog",
      "  pump failed list --queue error",
      "  pump failed show 0193a1f4-7c1e-7b3a-9d2f-1c2b3a4d5e6f",
      "  pump failed retry 0193a1f4-7c1e-7b3a-9d2f-1c2b3a4d5e6f",
      "  pump trace order-0007 --json",
      "  pump parked retry --destination billing",
      "  PUMP_CONSOLE_TOKEN=... pump console --port 8484"
    })
public final class PumpCommand implements Runnable {
  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description =
          "PostgreSQL JDBC URL, e.g. jdbc:postgresql://localhost:5432/app (default: $PUMP_JDBC_URL)")
  String jdbcUrl;

  @Option(
      names = "--user",
      paramLabel = "USER",
      scope = ScopeType.INHERIT,
      description = "database user (default: $PUMP_JDBC_USER)")
  String user;

  @Option(
      names = "--password",
      paramLabel = "PASSWORD",
      scope = ScopeType.INHERIT,
      description =
          "database password (default: $PUMP_JDBC_PASSWORD); other users of the machine may see"
              + " a command line: prefer --password-stdin or the variable")
  String password;

  @Option(
      names = "--password-stdin",
      scope = ScopeType.INHERIT,
      description = "read the password from the first line of standard input")
  boolean passwordStdin;

  @Option(
      names = "--schema",
      paramLabel = "SCHEMA",
      defaultValue = "pump",
      scope = ScopeType.INHERIT,
      description = "schema of Pump's tables (default: ${DEFAULT-VALUE})")
  String schema;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "print JSON for scripts instead of tables")
  boolean json;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "on a failure, print the stack trace too")
  boolean verbose;

  private final Map<String, String> environment;
  private final InputStream stdin;
  private final String ellipsis;

  PumpCommand(Map<String, String> environment, InputStream stdin, String ellipsis) {
    this.environment = Map.copyOf(environment);
    this.stdin = stdin;
    this.ellipsis = ellipsis;
  }

  @Spec private CommandSpec spec;

  /** Without a command: a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** Whether {@code --json} was given. */
  public boolean json() {
    return json;
  }

  /** What cut text ends with: "…", or "..." where the terminal cannot show it. */
  public String ellipsis() {
    return ellipsis;
  }

  /** The environment variable {@code name} as this run sees it, or null. */
  public String variable(String name) {
    return environment.get(name);
  }

  /** Whether {@code --verbose} was given. */
  public boolean verbose() {
    return verbose;
  }

  /** The schema named by {@code --schema}, not yet validated. */
  public String schema() {
    return schema;
  }

  /**
   * Where to connect: the options, else the {@code PUMP_JDBC_*} variables.
   *
   * @throws CliException (usage) when no URL is given at all
   */
  public ConnectionSettings connection() {
    String url = jdbcUrl != null ? jdbcUrl : environment.get("PUMP_JDBC_URL");
    if (url == null || url.isBlank()) {
      throw new CliException(
          ExitCodes.USAGE,
          "no database given: use --jdbc-url jdbc:postgresql://host:5432/database, or set"
              + " PUMP_JDBC_URL");
    }
    String login = user != null ? user : environment.get("PUMP_JDBC_USER");
    String secret = passwordStdin ? readPassword() : password;
    if (secret == null) {
      secret = environment.get("PUMP_JDBC_PASSWORD");
    }
    return new ConnectionSettings(url, login, secret, schema);
  }

  private String readPassword() {
    try {
      String line =
          new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
      if (line == null) {
        throw new CliException(
            ExitCodes.USAGE, "--password-stdin: standard input ended before a password");
      }
      return line;
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, "--password-stdin: cannot read standard input", e);
    }
  }

  /** The version in the jar's manifest; "development" when run from classes. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = PumpCommand.class.getPackage().getImplementationVersion();
      return new String[] {"pump " + (version == null ? "development" : version)};
    }
  }
}
