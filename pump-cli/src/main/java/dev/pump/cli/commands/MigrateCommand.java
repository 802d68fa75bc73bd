package dev.pump.cli.commands;

import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.migrations.PumpMigrations;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code pump migrate}: applies Pump's schema ({@link PumpMigrations}), creating it if needed. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Create or upgrade Pump's tables in the schema (idempotent).")
public final class MigrateCommand extends DatabaseCommand {
  @Override
  boolean needsPumpSchema() {
    return false;
  }

  @Override
  int run(Database database) {
    PumpMigrations.Report report = database.migrate();
    if (json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("schema", report.schema().value());
      result.put("version", report.version());
      result.put("migrationsApplied", report.migrationsApplied());
      printJson(result);
    } else if (report.migrationsApplied() == 0) {
      out()
          .println(
              "Schema " + report.schema() + " is up to date at version " + report.version() + ".");
    } else {
      out()
          .println(
              "Schema "
                  + report.schema()
                  + ": applied "
                  + report.migrationsApplied()
                  + " migrations, now at version "
                  + report.version()
                  + ".");
    }
    return ExitCodes.OK;
  }
}
