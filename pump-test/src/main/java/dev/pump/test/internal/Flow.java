package dev.pump.test.internal;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.MessageName;
import dev.pump.core.SendOptions;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.test.TestClock;
import dev.pump.test.TestPump;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The {@link TestPump} over a {@link Wiring}: the idle check, the failures, the readers and the
 * clock's effect on the database. Thread-safe.
 */
public final class Flow implements TestPump {
  /** The longest wait between two idle checks when nothing is reported. */
  static final Duration POLL = Duration.ofMillis(50);

  private final Wiring wiring;
  private final Recorder recorder;
  private final KitClock clock;
  private final FlowTables tables;
  private volatile FlowTables.Marks marks = FlowTables.Marks.NONE;

  /** A flow on {@code wiring}, told of the work by {@code recorder}, with {@code clock}. */
  public Flow(Wiring wiring, Recorder recorder, KitClock clock) {
    this.wiring = wiring;
    this.recorder = recorder;
    this.clock = clock;
    this.tables = new FlowTables(wiring.storage());
    clock.onAdvance(this::timeMoved);
  }

  /** A test begins: what is in the tables now is not its own, and no failure is yet. */
  public void beginTest() {
    recorder.reset();
    marks = tables.marks();
  }

  /** Empties Pump's tables and sets the clock back, once the test's endpoints stopped. */
  void endTest() {
    tables.truncate();
    clock.reset();
    recorder.reset();
    marks = FlowTables.Marks.NONE;
  }

  private void timeMoved(Duration by) {
    Set<String> queues = new LinkedHashSet<>(tables.shift(by));
    queues.addAll(inputQueues());
    tables.notifyQueues(queues);
    wiring.wakeDispatchers();
  }

  @Override
  public void start(EndpointBuilder... endpoints) {
    wiring.start(endpoints);
  }

  @Override
  public Endpoint endpoint(String name) {
    return wiring.endpoints().stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow(() ->
            new IllegalArgumentException(
                "no endpoint named "
                    + name
                    + " runs; the endpoints are "
                    + wiring.endpoints().stream().map(Endpoint::name).toList()));
  }

  @Override
  public DataSource dataSource() {
    return wiring.dataSource();
  }

  @Override
  public JdbcStorage storage() {
    return wiring.storage();
  }

  @Override
  public void send(String destination, Object message, SendOptions options) {
    wiring
        .storage()
        .inTransaction(
            wiring.sender(),
            (handle, sender) -> {
              sender.send(destination, message, options);
              return null;
            });
  }

  @Override
  public void publish(Object event, SendOptions options) {
    wiring
        .storage()
        .inTransaction(
            wiring.sender(),
            (handle, sender) -> {
              sender.publish(event, options);
              return null;
            });
  }

  @Override
  public void awaitIdle(Duration timeout) {
    List<Failure> failures = failures(waitUntilIdle(timeout));
    if (!failures.isEmpty()) {
      AssertionError error =
          new AssertionError(
              failures.size()
                  + (failures.size() == 1 ? " message" : " messages")
                  + " failed since the previous wait (awaitFailures() is the wait for a test"
                  + " that expects failures):\n"
                  + describe(failures));
      failures.stream()
          .map(Failure::exception)
          .filter(e -> e != null)
          .findFirst()
          .ifPresent(error::initCause);
      throw error;
    }
  }

  @Override
  public List<Failure> awaitFailures() {
    List<Failure> failures = failures(waitUntilIdle(DEFAULT_TIMEOUT));
    if (failures.isEmpty()) {
      throw new AssertionError(
          "expected a message to fail, but every message since the previous wait was handled");
    }
    return failures;
  }

  private List<Recorder.Failed> waitUntilIdle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long seen = recorder.version();
        if (quiet()
            && tables.workToDo(inputQueues()) == 0
            && quiet()
            && recorder.version() == seen) {
          return recorder.takeFailures();
        }
        if (System.nanoTime() - deadline > 0) {
          throw notIdle(timeout);
        }
        recorder.awaitChange(seen, POLL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for Pump to be idle", e);
    }
  }

  /** No message is being processed: none reported by the telemetry, none counted in flight. */
  private boolean quiet() {
    return recorder.processing() == 0
        && wiring.endpoints().stream().allMatch(e -> e.health().inFlight() == 0);
  }

  private AssertionError notIdle(Duration timeout) {
    StringBuilder text = new StringBuilder("Pump was not idle after ").append(timeout);
    List<String> busy = new ArrayList<>();
    for (Endpoint endpoint : wiring.endpoints()) {
      int inFlight = endpoint.health().inFlight();
      if (inFlight > 0) {
        busy.add(endpoint.name() + ": " + inFlight);
      }
    }
    if (!busy.isEmpty()) {
      text.append("; messages in flight: ").append(String.join(", ", busy));
    }
    List<String> pending = tables.pending(inputQueues());
    text.append(pending.isEmpty() ? "; nothing pending in the tables" : "; pending:");
    pending.forEach(line -> text.append("\n  ").append(line));
    List<Failure> failures = failures(recorder.takeFailures());
    if (!failures.isEmpty()) {
      text.append("\nfailed meanwhile:\n").append(describe(failures));
    }
    return new AssertionError(text.toString());
  }

  private List<Failure> failures(List<Recorder.Failed> failed) {
    List<Failure> failures = new ArrayList<>();
    for (Recorder.Failed f : failed) {
      if (!f.parked()) {
        failures.add(
            new Failure(
                f.endpoint(),
                f.messageType(),
                f.messageId(),
                null,
                Failure.DELAYED_RETRY,
                f.exception()));
        continue;
      }
      var copy = tables.errorQueueCopy(marks, f.messageId(), inputQueueOf(f.endpoint()));
      failures.add(
          new Failure(
              f.endpoint(),
              f.messageType(),
              f.messageId(),
              copy.map(FailedMessage::errorQueue).orElse(null),
              copy.map(FailedMessage::reason).orElse(null),
              f.exception()));
    }
    return failures;
  }

  private static String describe(List<Failure> failures) {
    StringBuilder text = new StringBuilder();
    for (Failure f : failures) {
      text.append("  ")
          .append(f.endpoint())
          .append(": ")
          .append(f.messageType())
          .append(' ')
          .append(f.messageId());
      if (f.errorQueue() != null) {
        text.append(" moved to error queue '")
            .append(f.errorQueue())
            .append("', reason ")
            .append(f.reason());
      } else if (Failure.DELAYED_RETRY.equals(f.reason())) {
        text.append(" put back for a delayed retry (clock().advance(...) moves it)");
      } else {
        text.append(" moved to an error queue");
      }
      if (f.exception() != null) {
        text.append(": ").append(f.exception());
      }
      text.append('\n');
    }
    return text.toString();
  }

  @Override
  public List<OutboxMessage> outbox() {
    return tables.outbox(marks);
  }

  @Override
  public <T> List<T> sent(String destination, Class<T> type) {
    return bodies("send", destination, type);
  }

  @Override
  public <T> List<T> published(Class<T> type) {
    return bodies("publish", null, type);
  }

  private <T> List<T> bodies(String kind, String destination, Class<T> type) {
    Set<String> names = namesOf(type);
    return tables.bodies(marks, kind, destination).stream()
        .filter(b -> !b.types().isEmpty() && names.contains(b.types().getFirst()))
        .map(b -> wiring.serializer().deserialize(b.body(), type))
        .toList();
  }

  /** The names a type travels under: its class name, its wire name and aliases. */
  private static Set<String> namesOf(Class<?> type) {
    Set<String> names = new LinkedHashSet<>();
    names.add(type.getName());
    MessageName named = type.getAnnotation(MessageName.class);
    if (named != null) {
      names.add(named.value());
      names.addAll(List.of(named.aliases()));
    }
    return names;
  }

  @Override
  public List<FailedMessage> errorQueue() {
    return tables.errorQueue(marks);
  }

  @Override
  public TestClock clock() {
    return clock;
  }

  private List<String> inputQueues() {
    return wiring.endpoints().stream().map(Endpoint::inputQueue).toList();
  }

  private String inputQueueOf(String endpoint) {
    return wiring.endpoints().stream()
        .filter(e -> e.name().equals(endpoint))
        .map(Endpoint::inputQueue)
        .findFirst()
        .orElse(endpoint);
  }

  @Override
  public String toString() {
    return "TestPump[schema " + tables.schema() + ", endpoints " + inputQueues() + "]";
  }
}
