package dev.pump.console.internal;

import dev.pump.console.PumpConsole.Request;
import dev.pump.jdbc.ErrorQueue;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The filter of a failed-messages list, read from a request's query: {@code failedQueue}, {@code
 * reason}, {@code exceptionType}, {@code text}, {@code from}, {@code to} (ISO 8601, or a form's
 * local time taken as UTC), {@code limit} and the cursor {@code after}. A bad value is a 400 that
 * names the parameter.
 */
final class FilterParameters {
  private FilterParameters() {}

  static ErrorQueue.Filter read(Request request) {
    try {
      return new ErrorQueue.Filter(
          value(request, "failedQueue"),
          value(request, "reason"),
          value(request, "exceptionType"),
          time(request, "from"),
          time(request, "to"),
          value(request, "text"),
          limit(request),
          value(request, "after"));
    } catch (IllegalArgumentException e) {
      throw ConsoleException.badRequest(e.getMessage());
    }
  }

  static Views.FilterForm form(Request request) {
    return new Views.FilterForm(
        shown(request, "failedQueue"),
        shown(request, "reason"),
        shown(request, "exceptionType"),
        shown(request, "text"),
        shown(request, "from"),
        shown(request, "to"),
        shown(request, "limit"));
  }

  private static String shown(Request request, String name) {
    String value = request.queryParameter(name);
    return value == null ? "" : Clip.of(value, 200).text();
  }

  static String value(Request request, String name) {
    String value = request.queryParameter(name);
    return value == null || value.isBlank() ? null : value;
  }

  private static int limit(Request request) {
    String limit = value(request, "limit");
    if (limit == null) {
      return ErrorQueue.Filter.DEFAULT_LIMIT;
    }
    try {
      return Integer.parseInt(limit.strip());
    } catch (NumberFormatException e) {
      throw ConsoleException.badRequest(
          "limit must be a whole number from 1 to "
              + ErrorQueue.MAX_LIMIT
              + ", was "
              + Clip.of(limit, 40).text());
    }
  }

  private static Instant time(Request request, String name) {
    String value = value(request, name);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDateTime.parse(value.strip()).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw ConsoleException.badRequest(
            name
                + " must be a time such as 2026-12-06T10:00:00Z (or 2026-12-06T10:00, taken as"
                + " UTC), was "
                + Clip.of(value, 40).text());
      }
    }
  }
}
