package dev.pump.test.internal;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.spi.Serializer;
import dev.pump.jdbc.JdbcStorage;
import java.util.Collection;
import javax.sql.DataSource;

/**
 * Where a {@link Flow}'s Pump comes from: built by the kit on its own database ({@link
 * PlainWiring}), or an application's beans under Spring.
 */
public interface Wiring {
  /** The storage the endpoints run on. */
  JdbcStorage storage();

  /** The database. */
  DataSource dataSource();

  /** The endpoints' serializer, to read bodies back. */
  Serializer serializer();

  /** The endpoints that receive, running now. */
  Collection<Endpoint> endpoints();

  /** Builds and starts endpoints on this wiring. */
  void start(EndpointBuilder... builders);

  /** The endpoint the test's own sends come from (built, not receiving). */
  Endpoint sender();

  /** Wakes the dispatchers, after due times moved. */
  void wakeDispatchers();
}
