package dev.pump.cli;

/**
 * A failure {@code pump} reports as one line on standard error and ends with {@link #exitCode()}.
 * The message says what went wrong and, where it can, what to do.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /** A failure that ends the command with {@code exitCode} ({@link ExitCodes}). */
  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** A failure with its cause, shown with {@code --verbose}. */
  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process's exit code ({@link ExitCodes}). */
  public int exitCode() {
    return exitCode;
  }
}
