package dev.pump.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Typed slots carried by one message's context, for things the core does not know about: the
 * storage module puts its open transaction handle here, a transport its claim, middleware its
 * state.
 *
 * <p>A slot is addressed by a {@link Key}, which compares by identity: share the key as a constant,
 * and two libraries using the same name never collide. Thread-safe.
 */
public interface Attributes {
  /** Puts {@code value} in the slot {@code key}, replacing what was there. */
  <T> void put(Key<T> key, T value);

  /** Returns the value in the slot {@code key}, if any. */
  <T> Optional<T> get(Key<T> key);

  /**
   * Returns the value in the slot {@code key}.
   *
   * @throws PumpException naming the key if the slot is empty
   */
  <T> T require(Key<T> key);

  /** Empties the slot {@code key} and returns what was in it, if anything. */
  <T> Optional<T> remove(Key<T> key);

  /**
   * The address of one typed slot. Keys compare by identity; create each once and share it.
   *
   * @param <T> the type of the value in the slot
   */
  final class Key<T> {
    private final String name;
    private final Class<T> type;

    private Key(String name, Class<T> type) {
      this.name = Objects.requireNonNull(name, "name");
      this.type = Objects.requireNonNull(type, "type");
    }

    /**
     * Creates a key.
     *
     * @param name a name for errors and logs, e.g. {@code "jdbi.handle"}
     * @param type the type of the value in the slot
     */
    public static <T> Key<T> of(String name, Class<T> type) {
      return new Key<>(name, type);
    }

    /** The key's name, as given to {@link #of}. */
    public String name() {
      return name;
    }

    /** The type of the value in the slot. */
    public Class<T> type() {
      return type;
    }

    @Override
    public String toString() {
      return name + " (" + type.getName() + ")";
    }
  }
}
