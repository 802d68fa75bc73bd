package dev.pump.spring.internal;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointHealth;
import dev.pump.jdbc.DispatcherHealth;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.spring.PumpEndpoints;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pump's health for Spring Boot's health indicators, whatever their Boot line: down when a
 * receiving endpoint is not running or its receive or settle breaker is open, or when a dispatcher
 * is not running; details per endpoint and dispatcher, never a message body.
 *
 * @param up whether Pump is healthy
 * @param details what the indicator shows
 */
public record PumpHealthReport(boolean up, Map<String, Object> details) {
  /**
   * Reads the health of {@code endpoints} (from memory) and {@code dispatchers} (one query each).
   */
  public static PumpHealthReport of(PumpEndpoints endpoints, List<OutboxDispatcher> dispatchers) {
    boolean up = true;
    Map<String, Object> endpointDetails = new LinkedHashMap<>();
    for (Endpoint endpoint : endpoints.receiving()) {
      EndpointHealth health = endpoint.health();
      up &= health.healthy();
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("state", health.state().name());
      detail.put("receiving", health.receiving().name());
      detail.put("settling", health.settling().name());
      detail.put("inFlight", health.inFlight());
      detail.put("concurrency", health.concurrency());
      health.lastError().ifPresent(e -> detail.put("lastError", e.time() + " " + e.description()));
      endpointDetails.put(endpoint.name(), detail);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("endpoints", endpointDetails);
    for (int i = 0; i < dispatchers.size(); i++) {
      DispatcherHealth health = dispatchers.get(i).health();
      up &= health.running();
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("running", health.running());
      detail.put("pausedDestinations", health.pausedDestinations());
      detail.put("oldestPending", health.oldestPending().toString());
      details.put(dispatchers.size() == 1 ? "dispatcher" : "dispatcher-" + (i + 1), detail);
    }
    return new PumpHealthReport(up, details);
  }
}
