package dev.pump.console.internal;

import dev.pump.console.PumpConsole.Request;
import dev.pump.jdbc.ErrorQueue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** What a POST does to failed messages: retry or discard the ids it names, and say per id. */
final class Actions {
  /** Who discards, when the host application names no signed-in user: {@value}. */
  static final String CONSOLE_USER = "console";

  private final Settings settings;

  Actions(Settings settings) {
    this.settings = settings;
  }

  Views.Outcomes retry(Views.Frame frame, Request request) {
    String queue = queue(request);
    List<ErrorQueue.Outcome> outcomes = run(() -> settings.place(queue).retry(ids(request)));
    return outcomes(frame, "Retried", queue, outcomes);
  }

  Views.Outcomes discard(Views.Frame frame, Request request) {
    String queue = queue(request);
    String who = who(request.principal());
    List<ErrorQueue.Outcome> outcomes = run(() -> settings.place(queue).discard(ids(request), who));
    return outcomes(frame, "Discarded", queue, outcomes);
  }

  private static List<ErrorQueue.Outcome> run(
      java.util.function.Supplier<List<ErrorQueue.Outcome>> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException e) {
      throw ConsoleException.badRequest(e.getMessage());
    }
  }

  private Views.Outcomes outcomes(
      Views.Frame frame, String action, String queue, List<ErrorQueue.Outcome> outcomes) {
    List<Views.OutcomeRow> rows = new ArrayList<>();
    for (ErrorQueue.Outcome outcome : outcomes) {
      rows.add(
          new Views.OutcomeRow(
              Clip.of(outcome.messageId(), Clip.SHORT),
              outcome.result().name(),
              outcome.copies(),
              Clip.of(outcome.detail(), Clip.MEDIUM)));
    }
    return new Views.Outcomes(action, queue, frame.link("/failed", "queue", queue), rows);
  }

  private String queue(Request request) {
    String queue = request.formParameter("queue");
    if (queue == null || queue.isBlank()) {
      throw ConsoleException.badRequest("queue is required");
    }
    return queue;
  }

  private static List<String> ids(Request request) {
    List<String> given = request.form().getOrDefault("id", List.of());
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (String id : given) {
      if (id != null && !id.isBlank()) {
        ids.add(id);
      }
    }
    if (ids.isEmpty()) {
      throw ConsoleException.badRequest("no message chosen: tick at least one");
    }
    if (ids.size() > ErrorQueue.MAX_LIMIT) {
      throw ConsoleException.badRequest(
          "at most " + ErrorQueue.MAX_LIMIT + " messages at once, were " + ids.size());
    }
    return List.copyOf(ids);
  }

  /** The host application's user if valid as a discarder (1 to 200 characters, no controls). */
  static String who(String principal) {
    if (principal == null
        || principal.isBlank()
        || principal.length() > 200
        || principal.chars().anyMatch(Character::isISOControl)) {
      return CONSOLE_USER;
    }
    return principal;
  }
}
