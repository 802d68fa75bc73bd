package dev.pump.micrometer;

import dev.pump.jdbc.OutboxDispatcher;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether each destination's circuit breaker is open in the monitored dispatchers, from their
 * {@link OutboxDispatcher#pausedDestinations()} once per sample (memory only). A destination is
 * open when any of them paused it; its gauge exists from its first send or pause on. Thread-safe.
 */
final class DispatcherGauges implements Sampler.Part {
  static final String BREAKER_OPEN = "pump.dispatcher.breaker.open";

  private final List<OutboxDispatcher> dispatchers = new CopyOnWriteArrayList<>();
  private final SampledGauges open;

  DispatcherGauges(MeterRegistry registry) {
    this.open =
        SampledGauges.counts(
            registry,
            BREAKER_OPEN,
            "destination",
            "1 while the outbox dispatcher has paused a destination: its sends fail again and again");
  }

  void add(OutboxDispatcher dispatcher) {
    dispatchers.add(dispatcher);
  }

  /**
   * Shows {@code destination}'s breaker, closed until a sample finds it paused, so that each
   * destination sent to has a series before anything goes wrong.
   */
  void sentTo(String destination) {
    open.register(destination);
  }

  @Override
  public void sample() {
    Map<String, Double> paused = new HashMap<>();
    for (OutboxDispatcher dispatcher : dispatchers) {
      dispatcher.pausedDestinations().keySet().forEach(d -> paused.put(d, 1.0));
    }
    open.update(paused);
  }
}
