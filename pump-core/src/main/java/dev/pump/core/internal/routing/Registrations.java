package dev.pump.core.internal.routing;

import dev.pump.core.Handler;
import dev.pump.core.internal.endpoint.EndpointChecks;
import dev.pump.core.internal.shared.Problems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What an endpoint builder was told about message types: handlers, command routes and wire names,
 * with the problems of each registration kept for {@code build()}. Not thread-safe.
 */
public final class Registrations {
  private final List<HandlerRegistration<?>> handlers = new ArrayList<>();
  private final Map<Class<?>, String> routes = new LinkedHashMap<>();
  private final Map<Class<?>, WireName> names = new LinkedHashMap<>();
  private final Problems problems;

  /** Registrations whose problems go to {@code problems}. */
  public Registrations(Problems problems) {
    this.problems = problems;
  }

  /** Registers a shared handler instance, unless {@code type} may not be handled. */
  public <T> void handler(Class<T> type, Handler<? super T> handler) {
    if (type == null || handler == null) {
      problems.add("endpoint.handler needs a type and a handler, was " + type + ", " + handler);
    } else if (handleable("endpoint.handler", type)) {
      handlers.add(HandlerRegistration.instance(type, handler));
    }
  }

  /** Registers a per-message handler factory, unless {@code type} may not be handled. */
  public <T> void handlerFactory(Class<T> type, Supplier<? extends Handler<? super T>> factory) {
    if (type == null || factory == null) {
      problems.add(
          "endpoint.handlerFactory needs a type and a factory, was " + type + ", " + factory);
    } else if (handleable("endpoint.handlerFactory", type)) {
      handlers.add(HandlerRegistration.factory(type, factory));
    }
  }

  /** Routes commands of {@code type} to {@code destination}; a second route is a problem. */
  public void route(Class<?> type, String destination) {
    if (type == null) {
      problems.add("endpoint.route needs a type, was null");
    } else if (routes.putIfAbsent(type, destination) != null) {
      problems.add("endpoint.route for " + type.getName() + " is set twice");
    }
  }

  /** Names {@code type} on the wire; a second name for one type is a problem. */
  public void messageName(Class<?> type, String name, String... aliases) {
    if (type == null) {
      problems.add("endpoint.messageName needs a type, was null");
    } else if (names.putIfAbsent(type, WireName.of(name, aliases)) != null) {
      problems.add("endpoint.messageName for " + type.getName() + " is set twice");
    }
  }

  /** The handlers, in registration order. */
  public List<HandlerRegistration<?>> handlers() {
    return List.copyOf(handlers);
  }

  /** The command routes. */
  public Map<Class<?>, String> routes() {
    return Map.copyOf(routes);
  }

  /**
   * The wire names of every type the endpoint knows: named, handled and routed ones. Their problems
   * are added to the builder's.
   */
  public MessageNames messageNames() {
    List<Class<?>> known = new ArrayList<>(names.keySet());
    handlers.forEach(registration -> known.add(registration.type()));
    known.addAll(routes.keySet());
    MessageNames resolved = MessageNames.create(names, known);
    resolved.problems().forEach(problems::add);
    return resolved;
  }

  private boolean handleable(String property, Class<?> type) {
    String problem = EndpointChecks.handledTypeProblem(property, type);
    problems.add(problem);
    return problem == null;
  }
}
