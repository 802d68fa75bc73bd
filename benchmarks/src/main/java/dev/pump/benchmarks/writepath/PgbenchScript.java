package dev.pump.benchmarks.writepath;

import dev.pump.benchmarks.Plan;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.Load;
import dev.pump.benchmarks.harness.Pgbench;
import dev.pump.benchmarks.harness.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * pgbench running the SQL Pump sends; or, as {@code pgbench-notify-in-tx}, that SQL with {@code
 * pg_notify} inside the transaction, to show what notifying there costs
 * (docs/decisions/2026-12-06-notify-after-commit.md).
 */
public final class PgbenchScript implements Contender {
  private final Pgbench pgbench;
  private final Plan plan;
  private final String system;
  private final int clients;
  private final List<String> script;
  private final Map<String, String> variables;
  private final Path file;

  PgbenchScript(Pgbench pgbench, Path workDirectory, Plan plan, int k, int clients, boolean notify)
      throws java.io.IOException {
    this.pgbench = pgbench;
    this.plan = plan;
    this.system = notify ? "pgbench-notify-in-tx" : "pgbench";
    this.clients = clients;
    this.script = WritePathSql.script(k, notify);
    this.variables = WritePathSql.variables(k);
    this.file = Pgbench.script(workDirectory, system + "-k" + k + ".sql", script);
  }

  @Override
  public String system() {
    return system;
  }

  @Override
  public String application() {
    return Pgbench.APPLICATION;
  }

  @Override
  public Load.Run round(Duration duration) throws Exception {
    Pgbench.Result result = pgbench.run(file, variables, clients, duration);
    return new Load.Run(result.transactions(), result.transactions() / result.tps(), null);
  }

  @Override
  public List<String> tables() {
    return List.of(Workload.BUSINESS_TABLE, Database.PUMP_SCHEMA + ".outbox");
  }

  @Override
  public Map<String, Object> describe() {
    return Map.of("pgbench", Pgbench.describe(clients, plan.round(), script));
  }
}
