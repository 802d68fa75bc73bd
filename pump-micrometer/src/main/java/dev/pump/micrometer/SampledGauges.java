package dev.pump.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One gauge per value of one tag (a destination, a queue), set from each sample. A key missing from
 * a sample reads 0 from then on, so a drained queue never shows its last depth. Gauges are
 * registered the first time their key is seen and read a stored value: a scrape never queries.
 * Thread-safe.
 */
final class SampledGauges {
  private final MeterRegistry registry;
  private final String name;
  private final String tagKey;
  private final String description;
  private final boolean seconds;
  private final ConcurrentMap<String, Value> values = new ConcurrentHashMap<>();

  private SampledGauges(
      MeterRegistry registry, String name, String tagKey, String description, boolean seconds) {
    this.registry = registry;
    this.name = name;
    this.tagKey = tagKey;
    this.description = description;
    this.seconds = seconds;
  }

  /** Plain gauges, in the unit of the counts they hold. */
  static SampledGauges counts(
      MeterRegistry registry, String name, String tagKey, String description) {
    return new SampledGauges(registry, name, tagKey, description, false);
  }

  /** Time gauges, their values in seconds. */
  static SampledGauges ages(
      MeterRegistry registry, String name, String tagKey, String description) {
    return new SampledGauges(registry, name, tagKey, description, true);
  }

  /** Makes sure {@code key}'s gauge exists, reading 0 until a sample has it. */
  void register(String key) {
    value(key);
  }

  /** Sets every key of {@code sample} and zeroes the keys it lacks. */
  void update(Map<String, Double> sample) {
    sample.forEach((key, v) -> value(key).current = v);
    values.forEach((key, value) -> {
      if (!sample.containsKey(key)) {
        value.current = 0;
      }
    });
  }

  private Value value(String key) {
    Value value = values.get(key);
    return value != null ? value : values.computeIfAbsent(key, this::registered);
  }

  private Value registered(String key) {
    Value value = new Value();
    if (seconds) {
      TimeGauge.builder(name, value, TimeUnit.SECONDS, v -> v.current)
          .tag(tagKey, key)
          .description(description)
          .strongReference(true)
          .register(registry);
    } else {
      Gauge.builder(name, value, v -> v.current)
          .tag(tagKey, key)
          .description(description)
          .strongReference(true)
          .register(registry);
    }
    return value;
  }

  /** The last sampled value; written by the sampler, read by scrapes. */
  private static final class Value {
    volatile double current;
  }
}
