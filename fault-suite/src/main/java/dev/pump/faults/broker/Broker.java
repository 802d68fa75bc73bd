package dev.pump.faults.broker;

import dev.pump.faults.harness.Harness;
import java.util.List;
import java.util.Optional;

/**
 * The broker a fault scenario runs the system under test on, as the scenario's script needs it: how
 * the processes reach it, when nothing is left on its way to an endpoint, and what its error queue
 * holds where the books cannot see it. Implementations are immutable; a {@link Run} is used by one
 * harness thread.
 */
public interface Broker {
  /**
   * The broker's name in a scenario's facts: {@code postgresql}, {@code rabbitmq} or {@code kafka}.
   */
  String name();

  /**
   * The name of the fact that reports the error queue's depth, where the books cannot count it
   * (they read PostgreSQL's queue table, not a broker's); empty where they can.
   */
  Optional<String> errorQueueFact();

  /**
   * Begins a run: its own queue names (prefixed with {@code tag} and a unique part on a broker runs
   * share) and the harness's own connection to the broker.
   */
  Run begin(String tag) throws Exception;

  /** One run on the broker; closing it removes what the run left there, where anything must go. */
  interface Run extends AutoCloseable {
    /** What the run's queue names start with; empty where the queues live in the run's database. */
    String prefix();

    /** The arguments that point a process of the system under test at the broker. */
    List<String> processArguments();

    /**
     * True when no message is on its way to an endpoint: the queues are empty, or, on a broker
     * whose queues the harness cannot count, every repeated input's copies reached the {@code
     * orders} inbox.
     */
    boolean nothingInTransit(Harness harness) throws Exception;

    /** How many messages the error queue holds; 0 before it exists. */
    long errorQueueDepth(Harness harness) throws Exception;

    /**
     * Records for the books what the database does not hold: the error queue's messages (in {@code
     * fault_broker_error}) and the subscriptions the broker keeps (in {@code fault_topic}). Called
     * once the processes have stopped.
     */
    void recordForTheBooks(Harness harness) throws Exception;

    @Override
    void close();
  }
}
