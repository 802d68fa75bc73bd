package dev.pump.cli.commands;

import dev.pump.cli.CliException;
import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.core.spi.TransportException;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Where {@code pump failed} finds the error queue: a PostgreSQL queue of the database, or, with
 * {@code --rabbitmq}, a RabbitMQ queue read without losing its messages. Discards are recorded in
 * the database either way.
 */
final class ErrorQueueSource {
  @Option(
      names = "--queue",
      paramLabel = "QUEUE",
      defaultValue = "error",
      description = "the error queue (default: ${DEFAULT-VALUE})")
  String queue;

  @Mixin RabbitMqOption broker;

  /** The error queue's name, checked. */
  String name(CommandSpec spec) {
    return Inputs.name(spec, "--queue", queue);
  }

  /**
   * Runs {@code work} on the error queue, connecting to RabbitMQ first when asked, and turns a
   * broker that cannot be reached into exit code {@value ExitCodes#NO_DATABASE}.
   */
  <T> T on(CommandSpec spec, Database database, Function<ErrorQueue, T> work) {
    String name = name(spec);
    RabbitMqTransport transport = broker.open(spec, "pump-cli");
    if (transport == null) {
      return work.apply(database.operations().errorQueue(name));
    }
    try (transport) {
      return work.apply(database.operations().errorQueue(transport, name));
    } catch (TransportException e) {
      throw new CliException(
          ExitCodes.NO_DATABASE,
          "cannot read error queue "
              + name
              + " at RabbitMQ "
              + RabbitMqOption.shown(broker.uri(spec))
              + ": "
              + e.getMessage()
              + " (check the URI, the login and that the queue exists)");
    }
  }
}
