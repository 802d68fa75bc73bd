package dev.pump.console.internal;

/** A request the console answers with an error page: its status, title and reason. */
public final class ConsoleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String title;

  ConsoleException(int status, String title, String reason) {
    super(reason);
    this.status = status;
    this.title = title;
  }

  /** 400: the request names something invalid; {@code reason} says what and why. */
  public static ConsoleException badRequest(String reason) {
    return new ConsoleException(400, "Bad request", reason);
  }

  /** 404: what the request names is not there. */
  public static ConsoleException notFound(String reason) {
    return new ConsoleException(404, "Not found", reason);
  }

  /** 403: refused; {@code reason} says why and what would be allowed. */
  public static ConsoleException forbidden(String reason) {
    return new ConsoleException(403, "Forbidden", reason);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The page's title. */
  public String title() {
    return title;
  }
}
