package dev.pump.test.internal;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.serialization.JsonSerializer;
import dev.pump.core.spi.Serializer;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.testkit.TestDatabase;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * Pump built by the kit for one test class, without Spring: a storage on the class's database
 * (schema {@code pump}), the PostgreSQL queue transport and a running dispatcher; the test's
 * endpoints are started by the test and stopped after it.
 */
public final class PlainWiring implements Wiring, AutoCloseable {
  /** The grace the test's endpoints get when it ends. */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final TestDatabase database;
  private final KitClock clock;
  private final Recorder recorder;
  private final JdbcStorage storage;
  private final PostgresTransport transport;
  private final OutboxDispatcher dispatcher;
  private final Endpoint sender;
  private final Serializer serializer = JsonSerializer.create();
  private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();

  /** Builds Pump on {@code database} and starts its dispatcher. */
  public PlainWiring(TestDatabase database, KitClock clock, Recorder recorder) {
    this.database = database;
    this.clock = clock;
    this.recorder = recorder;
    this.storage = JdbcStorage.builder().dataSource(database.dataSource()).build();
    this.transport = PostgresTransport.builder().storage(storage).build();
    this.dispatcher =
        OutboxDispatcher.builder()
            .storage(storage)
            .transport(transport)
            .clock(clock)
            .telemetry(recorder)
            .build();
    this.sender =
        Endpoint.builder()
            .name(dev.pump.test.TestPump.SENDER)
            .transport(transport)
            .storage(storage)
            .serializer(serializer)
            .clock(clock)
            .build();
    dispatcher.start();
  }

  @Override
  public JdbcStorage storage() {
    return storage;
  }

  @Override
  public DataSource dataSource() {
    return database.dataSource();
  }

  @Override
  public Serializer serializer() {
    return serializer;
  }

  @Override
  public Collection<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public void start(EndpointBuilder... builders) {
    List<Endpoint> built =
        List.of(builders).stream()
            .map(b ->
                b.transport(transport).storage(storage).clock(clock).telemetry(recorder).build())
            .toList();
    for (Endpoint endpoint : built) {
      endpoints.add(endpoint);
      endpoint.start();
    }
  }

  @Override
  public Endpoint sender() {
    return sender;
  }

  @Override
  public void wakeDispatchers() {
    dispatcher.wake();
  }

  /** Stops the test's endpoints, side by side, each within {@link #STOP_GRACE}. */
  void stopEndpoints() {
    List<Thread> stops =
        endpoints.stream().map(e -> Thread.ofVirtual().start(() -> e.stop(STOP_GRACE))).toList();
    for (Thread stop : stops) {
      try {
        stop.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    endpoints.clear();
  }

  /** Stops the endpoints and the dispatcher, closes the transport and the storage. */
  @Override
  public void close() {
    stopEndpoints();
    dispatcher.stop(STOP_GRACE);
    transport.close();
    storage.close();
  }
}
