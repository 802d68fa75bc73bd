package dev.pump.core.internal.shared;

import dev.pump.core.Endpoint;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.pipeline.IncomingMessage;
import dev.pump.core.spi.telemetry.ProcessObservation;
import dev.pump.core.spi.telemetry.ProcessOutcome;
import dev.pump.core.spi.telemetry.SendObservation;
import dev.pump.core.spi.telemetry.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telemetries configured for a component, called in order, each failure logged and ignored: a
 * broken exporter must never fail a message or a send. With none configured it is {@link
 * Telemetry#NONE} itself.
 */
public final class SafeTelemetry implements Telemetry {
  private static final Logger log = LoggerFactory.getLogger(Loggers.TELEMETRY);

  private final List<Telemetry> telemetries;
  private final AtomicLong failures = new AtomicLong();

  private SafeTelemetry(List<Telemetry> telemetries) {
    this.telemetries = List.copyOf(telemetries);
  }

  /** One telemetry calling each of {@code telemetries}; {@link Telemetry#NONE} for none. */
  public static Telemetry of(List<Telemetry> telemetries) {
    List<Telemetry> used = telemetries.stream().filter(t -> t != Telemetry.NONE).toList();
    return used.isEmpty() ? Telemetry.NONE : new SafeTelemetry(used);
  }

  @Override
  public void endpointBuilt(Endpoint endpoint) {
    for (Telemetry t : telemetries) {
      try {
        t.endpointBuilt(endpoint);
      } catch (RuntimeException e) {
        failed(t, "endpointBuilt", e);
      }
    }
  }

  @Override
  public void received(
      String endpoint,
      String system,
      String queue,
      int messages,
      Duration took,
      Throwable failure) {
    for (Telemetry t : telemetries) {
      try {
        t.received(endpoint, system, queue, messages, took, failure);
      } catch (RuntimeException e) {
        failed(t, "received", e);
      }
    }
  }

  @Override
  public ProcessObservation processing(String endpoint, String system, IncomingMessage message) {
    List<ProcessObservation> observations = new ArrayList<>(telemetries.size());
    for (Telemetry t : telemetries) {
      try {
        observations.add(t.processing(endpoint, system, message));
      } catch (RuntimeException e) {
        failed(t, "processing", e);
      }
    }
    return new ProcessObservation() {
      @Override
      public void retrying(Throwable failure) {
        for (ProcessObservation o : observations) {
          try {
            o.retrying(failure);
          } catch (RuntimeException e) {
            failed(o, "retrying", e);
          }
        }
      }

      @Override
      public void ended(ProcessOutcome outcome, Throwable failure) {
        // the reverse order, so that scopes opened in order close in order
        for (int i = observations.size() - 1; i >= 0; i--) {
          try {
            observations.get(i).ended(outcome, failure);
          } catch (RuntimeException e) {
            failed(observations.get(i), "ended", e);
          }
        }
      }
    };
  }

  @Override
  public void created(
      String endpoint, String system, Destination destination, Map<String, String> headers) {
    for (Telemetry t : telemetries) {
      try {
        t.created(endpoint, system, destination, headers);
      } catch (RuntimeException e) {
        failed(t, "created", e);
      }
    }
  }

  @Override
  public SendObservation sending(
      String system, Destination destination, List<OutgoingMessage> batch) {
    List<SendObservation> observations = new ArrayList<>(telemetries.size());
    for (Telemetry t : telemetries) {
      try {
        observations.add(t.sending(system, destination, batch));
      } catch (RuntimeException e) {
        failed(t, "sending", e);
      }
    }
    return failure -> {
      for (int i = observations.size() - 1; i >= 0; i--) {
        try {
          observations.get(i).ended(failure);
        } catch (RuntimeException e) {
          failed(observations.get(i), "ended", e);
        }
      }
    };
  }

  // Logged on the 1st, 2nd, 4th, 8th... failure, so a broken exporter cannot flood the log.
  private void failed(Object source, String call, RuntimeException e) {
    long n = failures.incrementAndGet();
    if (Long.bitCount(n) == 1) {
      log.warn(
          "Telemetry {} failed in {} ({} failure(s) so far); ignored",
          source.getClass().getName(),
          call,
          n,
          e);
    }
  }
}
