package dev.pump.faults;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The scenarios the suite promises clean, by the names {@code --only} and the result files use
 * ({@code results/crash-loop.txt}), in the order a run takes them.
 */
public enum FaultScenario {
  /** Endpoint and dispatcher processes killed and relaunched, some armed to halt themselves. */
  CRASH_LOOP("crash-loop"),
  /** Every connection terminated, repeatedly, then the server stopped and started again. */
  DATABASE_OUTAGE("database-outage"),
  /** The processes' RabbitMQ connections cut through a relay, then the broker unreachable. */
  BROKER_OUTAGE("broker-outage"),
  /** One destination refused for the whole run, then recovered and re-driven. */
  BAD_DESTINATION("bad-destination"),
  /** Hostile rows put straight into the queue beside ordinary inputs. */
  POISON_INPUT("poison-input"),
  /** As the crash loop, with three endpoint and two dispatcher processes. */
  COMPETING_INSTANCES("competing-instances"),
  /** Hostile names given to every place that takes a name. */
  HOSTILE_CONFIGURATION("hostile-configuration"),
  /** One input that halts every process handling it, on the PostgreSQL transport. */
  PROCESS_KILLER_POSTGRESQL("process-killer-postgresql"),
  /** One input that halts every process handling it, on RabbitMQ. */
  PROCESS_KILLER_RABBITMQ("process-killer-rabbitmq"),
  /** Retention cleaner processes killed while they purge. */
  KILL_DURING_CLEANUP("kill-during-cleanup"),
  /** As the crash loop, on Kafka, with two endpoint processes and one dispatcher process. */
  CRASH_LOOP_KAFKA("crash-loop-kafka"),
  /** The processes' connections to a Kafka broker of its own cut through a relay it advertises. */
  BROKER_OUTAGE_KAFKA("broker-outage-kafka"),
  /** One input that halts every process handling it, on Kafka. */
  PROCESS_KILLER_KAFKA("process-killer-kafka"),
  /** Hostile records produced straight to the endpoints' topics beside ordinary inputs. */
  POISON_INPUT_KAFKA("poison-input-kafka");

  private final String label;

  FaultScenario(String label) {
    this.label = label;
  }

  /** The scenario's name on the command line, in its result file and in its result line. */
  public String label() {
    return label;
  }

  /** Every name, comma-separated, in run order. */
  public static String allNames() {
    return Arrays.stream(values()).map(FaultScenario::label).collect(Collectors.joining(","));
  }

  /** The scenario named {@code label}, if any. */
  public static Optional<FaultScenario> byLabel(String label) {
    return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst();
  }

  /**
   * The scenarios a comma-separated list names, in run order.
   *
   * @throws IllegalArgumentException naming the unknown names and listing the valid ones
   */
  public static Set<FaultScenario> parse(String names) {
    Set<FaultScenario> scenarios = EnumSet.noneOf(FaultScenario.class);
    StringBuilder unknown = new StringBuilder();
    for (String name : names.split(",")) {
      String trimmed = name.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      byLabel(trimmed)
          .ifPresentOrElse(
              scenarios::add, () -> unknown.append(unknown.isEmpty() ? "" : ", ").append(trimmed));
    }
    if (!unknown.isEmpty() || scenarios.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown fault scenario "
              + (unknown.isEmpty() ? "list '" + names + "'" : unknown)
              + "; the scenarios are: "
              + allNames().replace(",", ", "));
    }
    return scenarios;
  }
}
