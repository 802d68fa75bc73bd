package dev.pump.console.internal;

import dev.pump.console.PumpConsole.Request;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.MessageTrace;
import dev.pump.jdbc.PumpOperations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The pages a GET shows: each reads through the operations API and fills a view. */
final class Pages {
  /** The most discards the discards page lists: {@value}. */
  static final int MAX_DISCARDS = 1_000;

  private final Settings settings;
  private final ThroughputSource throughput;

  Pages(Settings settings) {
    this.settings = settings;
    this.throughput = new ThroughputSource(settings);
  }

  Views.Dashboard dashboard(Views.Frame frame) {
    PumpOperations operations = settings.operations();
    Instant now = settings.clock().instant();
    PumpOperations.Statistics statistics = operations.statistics();
    Map<String, Long> parked = new TreeMap<>();
    long parkedTotal = 0;
    for (PumpOperations.OutboxStatistics row : statistics.outbox()) {
      if (row.parked() > 0) {
        parked.put(row.destination(), row.parked());
        parkedTotal += row.parked();
      }
    }
    List<Views.BacklogRow> backlog = new ArrayList<>();
    for (PumpOperations.Backlog row : operations.outboxBacklog()) {
      backlog.add(
          new Views.BacklogRow(
              Clip.of(row.destination(), Clip.SHORT),
              row.pending(),
              row.due(),
              parked.getOrDefault(row.destination(), 0L),
              Formats.duration(row.oldestAge())));
      parked.remove(row.destination());
    }
    parked.forEach((destination, count) ->
        backlog.add(new Views.BacklogRow(Clip.of(destination, Clip.SHORT), 0, 0, count, "")));
    backlog.sort(Comparator.comparing(r -> r.destination().text()));
    Map<String, Long> depths = new TreeMap<>();
    List<Views.QueueRow> queues = new ArrayList<>();
    for (PumpOperations.QueueDepth queue : statistics.queues()) {
      depths.put(queue.queue(), queue.messages());
      queues.add(
          new Views.QueueRow(
              Clip.of(queue.queue(), Clip.SHORT),
              queue.messages(),
              queue.visible(),
              Formats.duration(queue.oldestAge()),
              settings.errorQueues().containsKey(queue.queue())));
    }
    List<Views.PlaceRow> places = new ArrayList<>();
    for (String place : settings.places()) {
      String count;
      if (place.equals(PumpOperations.PARKED)) {
        count = Long.toString(parkedTotal);
      } else if (settings.browsed().contains(place)) {
        count = "?";
      } else {
        count = Long.toString(depths.getOrDefault(place, 0L));
      }
      places.add(new Views.PlaceRow(place, count, frame.link("/failed", "queue", place)));
    }
    ThroughputSource.Result chart = throughput.lastHour(now);
    return new Views.Dashboard(
        backlog,
        queues,
        places,
        chart.chart(),
        chart.problem(),
        Formats.duration(statistics.longestTransaction()),
        Formats.time(now));
  }

  Views.FailedList failed(Views.Frame frame, Request request) {
    String queue = queueOf(request);
    ErrorQueue place = settings.place(queue);
    ErrorQueue.Filter filter = FilterParameters.read(request);
    ErrorQueue.Page page = place.list(filter);
    List<Views.FailedRow> rows = new ArrayList<>();
    for (ErrorQueue.Message message : page.messages()) {
      rows.add(
          new Views.FailedRow(
              message.messageId(),
              Clip.of(message.messageId(), Clip.SHORT),
              Clip.of(message.failedQueue(), Clip.SHORT),
              Clip.of(message.reason(), Clip.SHORT),
              Clip.of(shortType(message.exceptionType()), Clip.SHORT),
              Clip.of(message.exceptionMessage(), Clip.SHORT),
              Formats.time(message.failedAt()),
              message.attempts(),
              message.bodyBytes(),
              frame.link("/failed/message", "queue", queue, "id", message.messageId())));
    }
    List<Views.Tab> tabs = new ArrayList<>();
    for (String name : settings.places()) {
      tabs.add(new Views.Tab(name, frame.link("/failed", "queue", name), name.equals(queue)));
    }
    String[] kept = {
      "queue", queue,
      "failedQueue", FilterParameters.value(request, "failedQueue"),
      "reason", FilterParameters.value(request, "reason"),
      "exceptionType", FilterParameters.value(request, "exceptionType"),
      "text", FilterParameters.value(request, "text"),
      "from", FilterParameters.value(request, "from"),
      "to", FilterParameters.value(request, "to"),
      "limit", FilterParameters.value(request, "limit")
    };
    String next = null;
    if (page.next() != null) {
      String[] withCursor = java.util.Arrays.copyOf(kept, kept.length + 2);
      withCursor[kept.length] = "after";
      withCursor[kept.length + 1] = page.next();
      next = frame.link("/failed", withCursor);
    }
    return new Views.FailedList(
        queue,
        queue.equals(PumpOperations.PARKED),
        tabs,
        FilterParameters.form(request),
        rows,
        next,
        frame.link("/failed", kept),
        filter.after() != null);
  }

  Views.Detail message(Views.Frame frame, Request request) {
    String queue = queueOf(request);
    String id = required(request, "id");
    ErrorQueue.Message message;
    try {
      message = settings.place(queue).show(id).orElse(null);
    } catch (IllegalArgumentException e) {
      throw ConsoleException.badRequest(e.getMessage());
    }
    if (message == null) {
      throw ConsoleException.notFound(
          "no message "
              + Clip.of(id, Clip.SHORT).text()
              + " in "
              + queue
              + " (retried or discarded?)");
    }
    List<Views.HeaderRow> headers = new ArrayList<>();
    new TreeMap<>(message.headers())
        .forEach((name, value) ->
            headers.add(
                new Views.HeaderRow(Clip.of(name, Clip.SHORT), Clip.lines(value, Clip.MEDIUM))));
    return new Views.Detail(
        queue,
        frame.link("/failed", "queue", queue),
        message.messageId(),
        Clip.of(message.messageId(), Clip.MEDIUM),
        Clip.of(message.failedQueue(), Clip.SHORT),
        Clip.of(message.reason(), Clip.SHORT),
        Clip.of(message.exceptionType(), Clip.SHORT),
        Clip.lines(message.exceptionMessage(), Clip.MEDIUM),
        Clip.lines(message.stackTrace(), Clip.LONG),
        Formats.time(message.failedAt()),
        message.attempts(),
        headers,
        Clip.lines(message.bodyPreview(), Clip.BODY),
        message.bodyIsText(),
        message.bodyBytes(),
        message.bodyBytes() > ErrorQueue.BODY_PREVIEW_BYTES,
        frame.link("/trace", "id", message.messageId()));
  }

  Views.Trace trace(Views.Frame frame, Request request) {
    String id = FilterParameters.value(request, "id");
    if (id == null) {
      return null;
    }
    MessageTrace trace;
    try {
      trace = settings.operations().trace(id);
    } catch (IllegalArgumentException e) {
      throw ConsoleException.badRequest(e.getMessage());
    }
    if (trace.isEmpty()) {
      throw ConsoleException.notFound(
          "no trace of message "
              + Clip.of(id, Clip.SHORT).text()
              + ": no endpoint handled it, nothing it caused is in the outbox, and it waits"
              + " nowhere (past the retention window?)");
    }
    List<Views.HandledRow> handled = new ArrayList<>();
    for (MessageTrace.Handled row : trace.handled()) {
      handled.add(
          new Views.HandledRow(
              Clip.of(row.messageId(), Clip.SHORT),
              Clip.of(row.endpoint(), Clip.SHORT),
              Formats.time(row.processedAt()),
              row.duplicates(),
              frame.link("/trace", "id", row.messageId())));
    }
    List<Views.SentRow> sent = new ArrayList<>();
    for (MessageTrace.Sent row : trace.sent()) {
      sent.add(
          new Views.SentRow(
              row.depth(),
              "\u2003".repeat(Math.max(0, row.depth() - 1)),
              Clip.of(row.messageId(), Clip.SHORT),
              Clip.of(row.messageType(), Clip.SHORT),
              Clip.of(row.destination(), Clip.SHORT),
              row.state(),
              Formats.time(row.createdAt()),
              Clip.of(row.lastError(), Clip.SHORT),
              frame.link("/trace", "id", row.messageId())));
    }
    List<Views.WaitingRow> waiting = new ArrayList<>();
    for (MessageTrace.Waiting row : trace.waiting()) {
      String link =
          settings.errorQueues().containsKey(row.name()) && !"queue".equals(row.place())
              ? frame.link("/failed/message", "queue", row.name(), "id", row.messageId())
              : null;
      waiting.add(
          new Views.WaitingRow(
              Clip.of(row.messageId(), Clip.SHORT),
              row.place(),
              Clip.of(row.name(), Clip.SHORT),
              Formats.time(row.since()),
              Clip.of(row.detail(), Clip.SHORT),
              link));
    }
    return new Views.Trace(id, Clip.of(id, Clip.MEDIUM), handled, sent, waiting, trace.truncated());
  }

  Views.Discards discarded(Request request) {
    int limit = 100;
    String given = FilterParameters.value(request, "limit");
    if (given != null) {
      try {
        limit = Integer.parseInt(given.strip());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_DISCARDS) {
        throw ConsoleException.badRequest(
            "limit must be a whole number from 1 to "
                + MAX_DISCARDS
                + ", was "
                + Clip.of(given, 40).text());
      }
    }
    List<Views.DiscardRow> rows = new ArrayList<>();
    for (PumpOperations.Discarded row : settings.operations().discarded(limit)) {
      rows.add(
          new Views.DiscardRow(
              row.id(),
              row.source(),
              Clip.of(row.location(), Clip.SHORT),
              Clip.of(row.messageId(), Clip.SHORT),
              Clip.of(row.reason(), Clip.SHORT),
              Clip.of(row.discardedBy(), Clip.SHORT),
              Formats.time(row.discardedAt())));
    }
    return new Views.Discards(rows, limit);
  }

  String queueOf(Request request) {
    String queue = FilterParameters.value(request, "queue");
    return queue == null ? settings.places().get(0) : queue;
  }

  static String required(Request request, String name) {
    String value = FilterParameters.value(request, name);
    if (value == null) {
      throw ConsoleException.badRequest(name + " is required");
    }
    return value;
  }

  private static String shortType(String type) {
    if (type == null) {
      return null;
    }
    int dot = type.lastIndexOf('.');
    return dot < 0 ? type : type.substring(dot + 1);
  }
}
