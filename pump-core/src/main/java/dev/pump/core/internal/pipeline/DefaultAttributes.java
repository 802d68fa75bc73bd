package dev.pump.core.internal.pipeline;

import dev.pump.core.Attributes;
import dev.pump.core.PumpException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The attributes of one message context. */
public final class DefaultAttributes implements Attributes {
  private final ConcurrentHashMap<Key<?>, Object> values = new ConcurrentHashMap<>();

  @Override
  public <T> void put(Key<T> key, T value) {
    values.put(Objects.requireNonNull(key, "key"), key.type().cast(Objects.requireNonNull(value)));
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
