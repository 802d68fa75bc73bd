package dev.pump.core.internal.routing;

import dev.pump.core.PumpConfigurationException;
import dev.pump.core.spi.Destination;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves where a message goes: a command to the queue routed for its type (or the nearest routed
 * supertype), an event to the topics of its type hierarchy. Immutable and thread-safe.
 */
public final class Router {
  private final Map<Class<?>, String> routes;
  private final MessageNames names;

  /** Creates a router from validated routes; topics come from {@code names}. */
  public Router(Map<Class<?>, String> routes, MessageNames names) {
    this.routes = Map.copyOf(routes);
    this.names = names;
  }

  /**
   * The queue routed for {@code type}: its own route, else the first routed type in its {@link
   * MessageTypes#hierarchy hierarchy}.
   *
   * @throws PumpConfigurationException if none is routed
   */
  public Destination routeFor(Class<?> type) {
    Optional<String> queue =
        MessageTypes.hierarchy(type).stream().map(routes::get).filter(q -> q != null).findFirst();
    return Destination.queue(
        queue.orElseThrow(() ->
            new PumpConfigurationException(
                "no route for message type "
                    + type.getName()
                    + "; add .route("
                    + type.getSimpleName()
                    + ".class, \"queue\") to the endpoint builder, or send to an explicit"
                    + " destination")));
  }

  /**
   * The topics a message of {@code type} is published to: its wire name's, then its supertypes'.
   */
  public Destination topicsFor(Class<?> type) {
    return Destination.topics(names.topicsOf(type));
  }
}
