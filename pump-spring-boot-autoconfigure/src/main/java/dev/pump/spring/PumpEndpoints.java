package dev.pump.spring;

import dev.pump.core.Endpoint;
import dev.pump.core.PumpConfigurationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The application's Pump endpoints, by name: those of the {@code pump.endpoints.*} properties and
 * of {@link PumpEndpoint} annotations, built by the starter, which starts those with handlers when
 * the context is ready and stops them at shutdown. A bean; immutable and thread-safe.
 */
public final class PumpEndpoints {
  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
  private final Map<String, Boolean> receiving = new LinkedHashMap<>();

  /**
   * The endpoints, each with whether it receives (it has handlers, so it is started); one that only
   * lends its routing and serializer to {@link PumpSender} is never started.
   */
  public PumpEndpoints(Map<Endpoint, Boolean> endpoints) {
    endpoints.forEach((endpoint, receives) -> {
      if (this.endpoints.putIfAbsent(endpoint.name(), endpoint) != null) {
        throw new PumpConfigurationException("two endpoints are named " + endpoint.name());
      }
      receiving.put(endpoint.name(), receives);
    });
  }

  /** Every endpoint, in the order they start. */
  public Collection<Endpoint> all() {
    return List.copyOf(endpoints.values());
  }

  /** The endpoints that receive: those with handlers. */
  public List<Endpoint> receiving() {
    List<Endpoint> started = new ArrayList<>();
    endpoints.forEach((name, endpoint) -> {
      if (receiving.get(name)) {
        started.add(endpoint);
      }
    });
    return started;
  }

  /** The endpoint named {@code name}, if there is one. */
  public Optional<Endpoint> get(String name) {
    return Optional.ofNullable(endpoints.get(name));
  }

  @Override
  public String toString() {
    return "PumpEndpoints" + endpoints.keySet();
  }
}
