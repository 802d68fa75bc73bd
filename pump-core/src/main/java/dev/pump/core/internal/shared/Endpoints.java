package dev.pump.core.internal.shared;

import dev.pump.core.Endpoint;
import dev.pump.core.internal.endpoint.DefaultEndpoint;

/** What Pump's storage modules reach on an endpoint that its users do not. */
public final class Endpoints {
  private Endpoints() {}

  /**
   * A new sender that buffers instead of sending, with the endpoint's routing, serializer and
   * headers: the transactional session drains it into the outbox before its transaction commits.
   *
   * @throws IllegalArgumentException if {@code endpoint} was not built by {@code
   *     Endpoint.builder()}
   */
  public static BufferedSender bufferedSender(Endpoint endpoint) {
    if (endpoint instanceof DefaultEndpoint built) {
      return built.bufferedSender();
    }
    throw new IllegalArgumentException(
        "not an endpoint built by Endpoint.builder(): " + endpoint.getClass().getName());
  }
}
