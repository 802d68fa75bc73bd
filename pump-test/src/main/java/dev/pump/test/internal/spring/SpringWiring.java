package dev.pump.test.internal.spring;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.spi.Serializer;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.spring.PumpEndpoints;
import dev.pump.test.TestPump;
import dev.pump.test.internal.KitClock;
import dev.pump.test.internal.Wiring;
import java.util.Collection;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;

/** The application's own Pump beans, as a {@link Wiring}. */
final class SpringWiring implements Wiring {
  private final JdbcStorage storage;
  private final Serializer serializer;
  private final PumpEndpoints endpoints;
  private final ObjectProvider<OutboxDispatcher> dispatchers;
  private final Endpoint sender;

  SpringWiring(
      JdbcStorage storage,
      Transport transport,
      Serializer serializer,
      PumpEndpoints endpoints,
      ObjectProvider<OutboxDispatcher> dispatchers,
      KitClock clock) {
    this.storage = storage;
    this.serializer = serializer;
    this.endpoints = endpoints;
    this.dispatchers = dispatchers;
    this.sender =
        Endpoint.builder()
            .name(TestPump.SENDER)
            .transport(transport)
            .storage(storage)
            .serializer(serializer)
            .clock(clock)
            .build();
  }

  @Override
  public JdbcStorage storage() {
    return storage;
  }

  @Override
  public DataSource dataSource() {
    return storage.dataSource();
  }

  @Override
  public Serializer serializer() {
    return serializer;
  }

  @Override
  public Collection<Endpoint> endpoints() {
    return endpoints.receiving();
  }

  @Override
  public void start(EndpointBuilder... builders) {
    throw new UnsupportedOperationException(
        "under Spring the application's endpoints run ("
            + endpoints
            + "); declare handlers as"
            + " beans instead of starting endpoints from the test");
  }

  @Override
  public Endpoint sender() {
    return sender;
  }

  @Override
  public void wakeDispatchers() {
    dispatchers.orderedStream().forEach(OutboxDispatcher::wake);
  }
}
