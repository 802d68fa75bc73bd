package dev.pump.core.internal.routing;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which handlers take which message class. A handler registered for a type takes its subtypes too;
 * the lookup per class is computed once and cached for a class that has handlers. A class without
 * handlers is not cached, so classes named by senders cannot grow the cache. Thread-safe.
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
    List<HandlerRegistration<?>> cached = byClass.get(type);
    if (cached != null) {
      return cached;
    }
    List<HandlerRegistration<?>> matching =
        registrations.stream().filter(r -> r.type().isAssignableFrom(type)).toList();
    if (!matching.isEmpty()) {
      byClass.putIfAbsent(type, matching);
    }
    return matching;
  }

  /** How many classes the cache holds. */
  int cachedClasses() {
    return byClass.size();
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
