package dev.pump.test.internal;

import dev.pump.core.Attributes;
import dev.pump.core.PumpException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Attributes} in a map, filled by a test. Thread-safe. */
public final class RecordedAttributes implements Attributes {
  private final Map<Key<?>, Object> values = new ConcurrentHashMap<>();

  /** Attributes holding {@code initial}. */
  public RecordedAttributes(Map<Key<?>, Object> initial) {
    values.putAll(initial);
  }

  @Override
  public <T> void put(Key<T> key, T value) {
    values.put(key, value);
  }

  @Override
  public <T> Optional<T> get(Key<T> key) {
    return Optional.ofNullable(values.get(key)).map(key.type()::cast);
  }

  @Override
  public <T> T require(Key<T> key) {
    return get(key).orElseThrow(() -> new PumpException("the context has no attribute " + key));
  }

  @Override
  public <T> Optional<T> remove(Key<T> key) {
    return Optional.ofNullable(values.remove(key)).map(key.type()::cast);
  }
}
