package dev.pump.cli;

/** The exit codes of {@code pump}, as its help and docs/operations.md list them. */
public final class ExitCodes {
  /** Done. */
  public static final int OK = 0;

  /** A message or row named by its id is not there (the others named were still acted on). */
  public static final int NOT_FOUND = 1;

  /** The command line is wrong: an unknown option, a missing argument, a value refused. */
  public static final int USAGE = 2;

  /** The database cannot be reached, refuses the login, or its schema holds no (current) Pump. */
  public static final int NO_DATABASE = 3;

  /** The operation failed in the database or the broker; the message says where. */
  public static final int FAILED = 4;

  /** The lines of the help's "Exit codes" section, "code:meaning" as picocli takes them. */
  static final String[] HELP = {
    "0:done",
    "1:a message or row named by its id is not there (the others named were still acted on)",
    "2:usage error: an unknown option, a missing argument, a name or id refused",
    "3:cannot connect (database or broker), the login is refused, or the schema holds no current Pump tables",
    "4:the operation failed in the database or the broker"
  };

  private ExitCodes() {}
}
