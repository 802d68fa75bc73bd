package dev.pump.console.internal;

import dev.pump.jdbc.ErrorQueue;
import dev.pump.jdbc.PumpOperations;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A console's checked settings, as {@code PumpConsole.Builder} made them.
 *
 * @param operations the operations API
 * @param errorQueues the places failed messages are shown from, by name, in order; the parked
 *     outbox rows last, as {@value PumpOperations#PARKED}
 * @param token the action token, or null for a read-only console
 * @param basePath where {@code PumpConsoleServer} serves it
 * @param clock the clock
 * @param sessionTimeout how long an idle session lasts
 * @param allowRemote whether non-loopback clients are answered
 * @param browsed the error queues of another transport (RabbitMQ), not counted on the dashboard
 */
public record Settings(
    PumpOperations operations,
    Map<String, Function<PumpOperations, ErrorQueue>> errorQueues,
    String token,
    String basePath,
    Clock clock,
    Duration sessionTimeout,
    boolean allowRemote,
    java.util.Set<String> browsed) {
  /** Copies, keeping the order. */
  public Settings {
    browsed = java.util.Set.copyOf(browsed);
    errorQueues = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(errorQueues));
  }

  /** The names of the places, in order. */
  public List<String> places() {
    return List.copyOf(errorQueues.keySet());
  }

  /**
   * The place named {@code name}.
   *
   * @throws ConsoleException 400 if the console does not show it
   */
  public ErrorQueue place(String name) {
    Function<PumpOperations, ErrorQueue> place = errorQueues.get(name);
    if (place == null) {
      throw ConsoleException.badRequest(
          "queue: this console shows the error queues "
              + String.join(", ", errorQueues.keySet())
              + "; not "
              + name);
    }
    return place.apply(operations);
  }
}
