package dev.pump.benchmarks.writepath;

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.Load;
import java.time.Duration;

/**
 * A contender whose {@code clients} platform threads repeat one unit of work on a pool of {@code
 * clients} connections of its own, named {@code pump-bench-<system>}.
 */
abstract class PooledContender implements Contender {
  private final String system;
  final int clients;
  final HikariDataSource pool;

  /** The pool's {@code search_path} is {@code schema}, or the server's default when null. */
  PooledContender(String system, Database database, int clients, String schema) {
    this.system = system;
    this.clients = clients;
    this.pool = database.pool(application(), clients, schema);
  }

  /** The unit of work each client repeats. */
  abstract Load.Work work();

  @Override
  public final String system() {
    return system;
  }

  @Override
  public final String application() {
    return "pump-bench-" + system;
  }

  @Override
  public Load.Run round(Duration duration) {
    return Load.closedLoop(clients, duration, work());
  }

  @Override
  public Load.Run paced(double rate, Duration duration) {
    return Load.paced(clients, rate, duration, work());
  }

  /** The threads and the pool, for {@link #describe()}. */
  String threads() {
    return clients + " platform threads, pool of " + clients;
  }

  @Override
  public void close() {
    pool.close();
  }
}
