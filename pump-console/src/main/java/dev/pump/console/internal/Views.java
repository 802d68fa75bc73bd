package dev.pump.console.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the templates render: plain records, every message field already a {@link Clip}. The
 * templates escape each value for where it stands.
 */
public final class Views {
  private Views() {}

  /**
   * What every page shows around its content.
   *
   * @param title the page's title
   * @param base where the console is mounted ("" or "/pump")
   * @param active which navigation entry is current
   * @param readOnly whether no action token is configured
   * @param signedIn whether this request carries a live session
   * @param csrf the session's CSRF token, or null
   */
  public record Frame(
      String title, String base, String active, boolean readOnly, boolean signedIn, String csrf) {
    /** Whether actions are shown: a token is configured and this request has a session. */
    public boolean canAct() {
      return !readOnly && signedIn;
    }

    /** {@code "current"} for the active navigation entry, else "". */
    public String current(String entry) {
      return entry.equals(active) ? "current" : "";
    }

    /** A link to {@code path} with the query {@code name, value, ...} (null values left out). */
    public String link(String path, String... parameters) {
      return Views.link(base, path, parameters);
    }
  }

  /** {@code base + path} with the query {@code name, value, ...}, null or empty values left out. */
  public static String link(String base, String path, String... parameters) {
    StringBuilder url = new StringBuilder(base).append(path);
    char separator = '?';
    for (int i = 0; i + 1 < parameters.length; i += 2) {
      String value = parameters[i + 1];
      if (value == null || value.isEmpty()) {
        continue;
      }
      url.append(separator)
          .append(parameters[i])
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      separator = '&';
    }
    return url.toString();
  }

  /** The dashboard. */
  public record Dashboard(
      List<BacklogRow> backlog,
      List<QueueRow> queues,
      List<PlaceRow> places,
      Chart chart,
      String chartProblem,
      String longestTransaction,
      String readAt) {}

  /** One destination's outbox. */
  public record BacklogRow(Clip destination, long pending, long due, long parked, String oldest) {}

  /** One PostgreSQL queue. */
  public record QueueRow(
      Clip queue, long messages, long visible, String oldest, boolean errorQueue) {}

  /** One place failed messages wait, with how many (or "?" when it is not counted cheaply). */
  public record PlaceRow(String name, String count, String link) {}

  /** A tab over the places. */
  public record Tab(String name, String link, boolean active) {}

  /** The filter form's values, as given. */
  public record FilterForm(
      String failedQueue,
      String reason,
      String exceptionType,
      String text,
      String from,
      String to,
      String limit) {}

  /** The failed messages of one place. */
  public record FailedList(
      String queue,
      boolean parked,
      List<Tab> tabs,
      FilterForm filter,
      List<FailedRow> rows,
      String nextLink,
      String firstLink,
      boolean paged) {}

  /** One failed message in a list. */
  public record FailedRow(
      String id,
      Clip shownId,
      Clip failedQueue,
      Clip reason,
      Clip exceptionType,
      Clip exceptionMessage,
      String failedAt,
      int attempts,
      int bodyBytes,
      String detailLink) {}

  /** One failed message whole. */
  public record Detail(
      String queue,
      String listLink,
      String id,
      Clip shownId,
      Clip failedQueue,
      Clip reason,
      Clip exceptionType,
      Clip exceptionMessage,
      Clip stackTrace,
      String failedAt,
      int attempts,
      List<HeaderRow> headers,
      Clip body,
      boolean bodyIsText,
      int bodyBytes,
      boolean bodyPreviewOnly,
      String traceLink) {}

  /** One header. */
  public record HeaderRow(Clip name, Clip value) {}

  /** What one action did, per message id. */
  public record Outcomes(String action, String queue, String listLink, List<OutcomeRow> rows) {}

  /** What became of one id. */
  public record OutcomeRow(Clip id, String result, int copies, Clip detail) {}

  /** The discards, newest first. */
  public record Discards(List<DiscardRow> rows, int limit) {}

  /** One discard. */
  public record DiscardRow(
      long id,
      String source,
      Clip location,
      Clip messageId,
      Clip reason,
      Clip discardedBy,
      String discardedAt) {}

  /** A message's trace. */
  public record Trace(
      String messageId,
      Clip shownId,
      List<HandledRow> handled,
      List<SentRow> sent,
      List<WaitingRow> waiting,
      boolean truncated) {}

  /** An endpoint that handled a message. */
  public record HandledRow(
      Clip messageId, Clip endpoint, String processedAt, int duplicates, String traceLink) {}

  /** A message sent, {@code depth} levels below the traced one. */
  public record SentRow(
      int depth,
      String indent,
      Clip messageId,
      Clip messageType,
      Clip destination,
      String state,
      String createdAt,
      Clip lastError,
      String traceLink) {}

  /** Where a traced message waits now. */
  public record WaitingRow(
      Clip messageId, String place, Clip name, String since, Clip detail, String link) {}

  /** The sign-in page. */
  public record Login(String problem) {}

  /** An error page. */
  public record Problem(int status, String title, Clip reason) {}
}
