package dev.pump.faults.harness;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.faults.report.Books;
import dev.pump.faults.report.Verdict;
import dev.pump.faults.sut.Sut;
import dev.pump.faults.sut.SutTables;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.PostgresTransport;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.migrations.SchemaName;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The harness's own view of one run's database: a fresh database with Pump's schema and the system
 * under test's tables, a pool for the load generator and the checks, and the books.
 */
public final class Harness implements AutoCloseable {
  private final FaultDatabase server;
  private final String jdbcUrl;
  private final HikariDataSource pool;
  private final JdbcStorage storage;
  private final PostgresTransport transport;
  private final Endpoint web;

  /** Creates a fresh database named after {@code scenario} on {@code server}. */
  public Harness(FaultDatabase server, String scenario) throws Exception {
    this.server = server;
    this.jdbcUrl = server.createDatabase("faults_" + scenario);
    this.pool = PumpDataSources.pooled(jdbcUrl, server.user(), server.password(), 4);
    this.storage = JdbcStorage.builder().dataSource(pool).build();
    SutTables.create(storage.jdbi());
    this.transport = PostgresTransport.builder().storage(storage).build();
    this.web = Sut.web(transport);
  }

  /** The server the run uses. */
  public FaultDatabase server() {
    return server;
  }

  /** The JDBC URL of the run's own database. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The harness's storage on the run's database (a small pool of its own). */
  public JdbcStorage storage() {
    return storage;
  }

  /** The harness's PostgreSQL transport, lent to the load generator's sending endpoint. */
  public PostgresTransport transport() {
    return transport;
  }

  /** The sending endpoint of the load generator (never started). */
  public Endpoint web() {
    return web;
  }

  /** A fleet of system-under-test processes on this run's database. */
  public Fleet fleet(Path logs) throws IOException {
    return new Fleet(jdbcUrl, server.user(), server.password(), logs);
  }

  /**
   * Records that the queue {@code prefix + endpoint} is read by {@code endpoint}, for each endpoint
   * of the system under test; nothing to record for the empty prefix.
   */
  public void routeQueues(String prefix) {
    if (prefix.isEmpty()) {
      return;
    }
    storage
        .jdbi()
        .useHandle(h -> {
          for (String endpoint : Sut.ENDPOINTS) {
            h.execute("INSERT INTO fault_route VALUES (?, ?)", prefix + endpoint, endpoint);
          }
        });
  }

  /** True when each endpoint's handlers had an effect for exactly {@code inputs} messages. */
  public boolean everyEndpointHandled(long inputs) {
    return Sut.ENDPOINTS.stream().allMatch(endpoint -> handled(endpoint) == inputs);
  }

  /** How many distinct messages {@code endpoint}'s handlers had an effect for. */
  public long handled(String endpoint) {
    return count(
        "SELECT count(DISTINCT message_id) FROM fault_effect WHERE endpoint = '" + endpoint + "'");
  }

  /**
   * Inputs sent k times whose orders inbox has not yet skipped k - 1 copies. On a broker whose
   * queues the harness cannot count (Kafka), the last copies may still be on their way when the
   * first ones are handled: a run settles only once this is zero, and the books still fail a copy
   * that never comes.
   */
  public long repeatsNotYetAbsorbed() {
    return count(
        "SELECT count(*) FROM (SELECT message_id, count(*) AS n FROM fault_input GROUP BY"
            + " message_id) f LEFT JOIN pump.inbox i ON i.endpoint = 'orders'"
            + " AND i.message_id = f.message_id WHERE coalesce(i.duplicates, -1) < f.n - 1");
  }

  /** Outbox rows neither dispatched nor parked yet. */
  public long pendingOutbox() {
    return count(
        "SELECT count(*) FROM pump.outbox WHERE dispatched_at IS NULL AND parked_at IS NULL");
  }

  /** A number from the database, e.g. {@code SELECT count(*) FROM fault_effect}. */
  public long count(String sql) {
    // the harness's pooled connections die with the faults too: a dead one fails once, then the
    // pool hands out a fresh one
    RuntimeException failure = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        Long value = storage.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
        return value == null ? 0 : value;
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    throw failure;
  }

  /**
   * True when everything sent so far has arrived: no pending outbox row, no message waiting outside
   * the error queue, and at least {@code inputs} orders handled.
   */
  public boolean settled(long inputs) {
    return pendingOutbox() == 0
        && count("SELECT count(*) FROM pump.queue_message WHERE queue <> 'error'") == 0
        && handled("orders") >= inputs;
  }

  /**
   * Records for the books that a broker's error queue holds the message {@code messageId}, parked
   * for {@code reason}, where the database cannot see it.
   */
  public void recordBrokerError(String messageId, String reason) {
    storage
        .jdbi()
        .useHandle(
            h -> h.execute("INSERT INTO fault_broker_error VALUES (?, ?)", messageId, reason));
  }

  /**
   * Records for the books that {@code queue} subscribes to every topic published to, as a broker's
   * binding does where the database cannot see it.
   */
  public void recordBrokerSubscription(String queue) {
    storage
        .jdbi()
        .useHandle(h ->
            h.execute(
                "INSERT INTO fault_topic SELECT DISTINCT destination, ? FROM pump.outbox"
                    + " WHERE kind = 'publish'",
                queue));
  }

  /** Checks the books of the settled run. */
  public Verdict books() {
    return Books.check(storage.jdbi(), SchemaName.DEFAULT, true, Duration.ofSeconds(30));
  }

  /** Closes the harness's transport and pool; the database stays for inspection. */
  @Override
  public void close() {
    transport.close();
    pool.close();
  }
}
