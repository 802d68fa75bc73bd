package dev.pump.cli.commands;

import dev.pump.cli.PumpCommand;
import dev.pump.cli.database.Database;
import dev.pump.cli.output.Json;
import dev.pump.cli.output.Table;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that works on the database: connects (reporting a wrong URL, host or login before
 * anything is done), checks the schema unless it creates it, runs, and closes.
 */
abstract class DatabaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    try (Database database = Database.connect(root().connection())) {
      if (needsPumpSchema()) {
        database.requirePumpSchema();
      }
      return run(database);
    }
  }

  /** Runs the command on a checked database; returns the exit code. */
  abstract int run(Database database);

  /** Whether the schema must already hold Pump's tables (all but {@code migrate}). */
  boolean needsPumpSchema() {
    return true;
  }

  PumpCommand root() {
    return (PumpCommand) spec.root().userObject();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  boolean json() {
    return root().json();
  }

  void printJson(Object value) {
    Json.print(out(), value);
  }

  Table table() {
    return new Table(out(), root().ellipsis());
  }

  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
