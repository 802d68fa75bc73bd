package dev.pump.core;

import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.testing.MutableClock;
import dev.pump.core.testing.RecordingTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Endpoints on a recording in-memory transport with a movable clock, stopped after each test. */
abstract class EndpointTestSupport {
  protected final MutableClock clock = MutableClock.startingNow();
  protected InMemoryTransport memory;
  protected RecordingTransport transport;
  private final List<Endpoint> endpoints = new ArrayList<>();

  @BeforeEach
  void createTransport() {
    memory = InMemoryTransport.builder().clock(clock).leaseTimeout(Duration.ofDays(1)).build();
    transport = new RecordingTransport(memory);
  }

  @AfterEach
  void stopEndpoints() {
    endpoints.forEach(e -> e.stop(Duration.ofSeconds(2)));
    memory.close();
  }

  /** A builder with test-friendly settings: no retries unless a test asks, short waits. */
  protected EndpointBuilder endpoint(String name) {
    return Endpoint.builder()
        .name(name)
        .transport(transport)
        .clock(clock)
        .concurrency(4)
        .receiveWait(Duration.ofMillis(250))
        .cancellationGrace(Duration.ofSeconds(2))
        .recoverability(Recoverability.noRetries());
  }

  protected Endpoint start(EndpointBuilder builder) {
    Endpoint endpoint = builder.build();
    endpoints.add(endpoint);
    endpoint.start();
    return endpoint;
  }
}
