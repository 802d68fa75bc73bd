package dev.pump.core.internal.routing;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which handlers take which message class. A handler registered for a type takes its subtypes too;
 * the lookup per concrete class is computed once and cached. Thread-safe.
 */
public final class HandlerRegistry {
  private final List<HandlerRegistration<?>> registrations;
  private final ConcurrentHashMap<Class<?>, List<HandlerRegistration<?>>> byClass =
      new ConcurrentHashMap<>();

  /** Creates a registry; registration order is invocation order. */
  public HandlerRegistry(List<HandlerRegistration<?>> registrations) {
    this.registrations = List.copyOf(registrations);
  }

  /** The handlers for a message of class {@code type}, in registration order; maybe empty. */
  public List<HandlerRegistration<?>> handlersFor(Class<?> type) {
    return byClass.computeIfAbsent(
        type, t -> registrations.stream().filter(r -> r.type().isAssignableFrom(t)).toList());
  }

  /** Whether any handler takes a message of class {@code type}. */
  public boolean handles(Class<?> type) {
    return !handlersFor(type).isEmpty();
  }

  /** The types handlers were registered for, without duplicates. */
  public Set<Class<?>> handledTypes() {
    return registrations.stream()
        .map(HandlerRegistration::type)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }
}
