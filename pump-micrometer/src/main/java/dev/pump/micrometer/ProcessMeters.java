package dev.pump.micrometer;

import dev.pump.core.spi.telemetry.ProcessObservation;
import dev.pump.core.spi.telemetry.ProcessOutcome;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of each processed message: {@code messaging.process.duration} from the first attempt
 * until the message's fate is known, and {@code pump.retries}. A message costs two map lookups and
 * the meter updates. Thread-safe.
 */
final class ProcessMeters {
  static final String PROCESS_DURATION = "messaging.process.duration";
  static final String RETRIES = "pump.retries";

  private final MeterRegistry registry;
  private final Clock clock;
  private final ConcurrentMap<Key, Timers> timers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Retries> retries = new ConcurrentHashMap<>();

  ProcessMeters(MeterRegistry registry) {
    this.registry = registry;
    this.clock = registry.config().clock();
  }

  /** Registers the endpoint's retry counters, so that they read 0 before its first retry. */
  void endpoint(String endpoint) {
    retries(endpoint);
  }

  /** A message of {@code queue} starts its first attempt in {@code endpoint}. */
  ProcessObservation processing(String endpoint, String system, String queue) {
    Key key = new Key(endpoint, system, queue);
    Timers found = timers.get(key);
    Timers byOutcome = found != null ? found : timers.computeIfAbsent(key, Timers::new);
    return new Processing(byOutcome, retries(endpoint), clock.monotonicTime());
  }

  private Retries retries(String endpoint) {
    Retries found = retries.get(endpoint);
    return found != null ? found : retries.computeIfAbsent(endpoint, this::registerRetries);
  }

  private Retries registerRetries(String endpoint) {
    return new Retries(retryCounter(endpoint, "immediate"), retryCounter(endpoint, "delayed"));
  }

  private Counter retryCounter(String endpoint, String kind) {
    return Counter.builder(RETRIES)
        .description(
            "Retries of failed messages: immediate ones in place, delayed ones back to the queue")
        .tag(Tagging.ENDPOINT, endpoint)
        .tag("kind", kind)
        .register(registry);
  }

  private record Key(String endpoint, String system, String queue) {}

  private record Retries(Counter immediate, Counter delayed) {}

  private record Failed(ProcessOutcome outcome, String errorType) {}

  /** One endpoint's and queue's timers, per outcome and error type. */
  private final class Timers {
    private final Key key;
    private final AtomicReferenceArray<Timer> succeeded =
        new AtomicReferenceArray<>(ProcessOutcome.values().length);
    private final ConcurrentMap<Failed, Timer> failed = new ConcurrentHashMap<>();

    Timers(Key key) {
      this.key = key;
    }

    Timer timer(ProcessOutcome outcome, Throwable failure) {
      if (failure == null) {
        Timer timer = succeeded.get(outcome.ordinal());
        if (timer == null) {
          // racing threads register the same meter: the registry returns one instance
          timer = register(outcome, Tagging.NO_ERROR);
          succeeded.set(outcome.ordinal(), timer);
        }
        return timer;
      }
      Failed tags = new Failed(outcome, Tagging.errorType(failure));
      Timer timer = failed.get(tags);
      return timer != null
          ? timer
          : failed.computeIfAbsent(tags, t -> register(t.outcome, t.errorType));
    }

    private Timer register(ProcessOutcome outcome, String errorType) {
      return Timer.builder(PROCESS_DURATION)
          .description("Duration of a message's processing, until it is handled or given up on")
          .tag(Tagging.SYSTEM, key.system)
          .tag(Tagging.DESTINATION, key.queue)
          .tag(Tagging.OPERATION, "process")
          .tag(Tagging.ENDPOINT, key.endpoint)
          .tag("pump.outcome", outcome.tag())
          .tag(Tagging.ERROR_TYPE, errorType)
          .serviceLevelObjectives(Tagging.DURATION_BUCKETS)
          .register(registry);
    }
  }

  /** One message's observation, used by the thread processing it. */
  private final class Processing implements ProcessObservation {
    private final Timers timers;
    private final Retries retries;
    private final long started;

    Processing(Timers timers, Retries retries, long started) {
      this.timers = timers;
      this.retries = retries;
      this.started = started;
    }

    @Override
    public void retrying(Throwable failure) {
      retries.immediate.increment();
    }

    @Override
    public void ended(ProcessOutcome outcome, Throwable failure) {
      if (outcome == ProcessOutcome.DELAYED_RETRY) {
        retries.delayed.increment();
      }
      timers.timer(outcome, failure).record(clock.monotonicTime() - started, TimeUnit.NANOSECONDS);
    }
  }
}
