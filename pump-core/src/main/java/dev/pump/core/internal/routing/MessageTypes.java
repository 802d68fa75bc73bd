package dev.pump.core.internal.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The type hierarchy of a message class, as Pump uses it for enclosed-types headers, topics and
 * routing ({@link MessageNames} names each type): the class, then its superclasses, then its
 * interfaces breadth-first. JDK types (Object, Record, Serializable, ...) are left out: nobody
 * subscribes to "every Serializable".
 */
public final class MessageTypes {
  private static final ClassValue<List<Class<?>>> HIERARCHY =
      new ClassValue<>() {
        @Override
        protected List<Class<?>> computeValue(Class<?> type) {
          return compute(type);
        }
      };

  private MessageTypes() {}

  /** The class, its superclasses and its interfaces, without JDK types; cached. */
  public static List<Class<?>> hierarchy(Class<?> type) {
    return HIERARCHY.get(type);
  }

  private static List<Class<?>> compute(Class<?> type) {
    Set<Class<?>> result = new LinkedHashSet<>();
    for (Class<?> c = type; c != null && !isJdk(c); c = c.getSuperclass()) {
      result.add(c);
    }
    Deque<Class<?>> pending = new ArrayDeque<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      pending.addAll(List.of(c.getInterfaces()));
    }
    while (!pending.isEmpty()) {
      Class<?> candidate = pending.poll();
      if (!isJdk(candidate) && result.add(candidate)) {
        pending.addAll(List.of(candidate.getInterfaces()));
      }
    }
    if (result.isEmpty()) {
      result.add(type); // a JDK type sent as a message (a String, say) still names itself
    }
    return List.copyOf(new ArrayList<>(result));
  }

  /**
   * Whether {@code type} belongs to the JDK ({@code java.*}, {@code javax.*}, {@code jdk.*}, {@code
   * sun.*}, {@code com.sun.*}), is primitive or is an array: never an application's message type.
   */
  public static boolean isJdk(Class<?> type) {
    String name = type.getName();
    return type.isPrimitive()
        || type.isArray()
        || name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("jdk.")
        || name.startsWith("sun.")
        || name.startsWith("com.sun.");
  }
}
