package dev.pump.cli.commands;

import dev.pump.cli.CliException;
import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.core.spi.TransportException;
import dev.pump.jdbc.ErrorQueue;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.net.URI;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Where {@code pump failed} finds the error queue: a PostgreSQL queue of the database, or, with
 * {@code --rabbitmq}, a RabbitMQ queue read without losing its messages. Discards are recorded in
 * the database either way.
 */
final class ErrorQueueSource {
  /** The variable {@code --rabbitmq} defaults to: {@value}. */
  static final String RABBITMQ_VARIABLE = "PUMP_RABBITMQ_URI";

  @Option(
      names = "--queue",
      paramLabel = "QUEUE",
      defaultValue = "error",
      description = "the error queue (default: ${DEFAULT-VALUE})")
  String queue;

  @Option(
      names = "--rabbitmq",
      paramLabel = "URI",
      description =
          "read the error queue from RabbitMQ at URI, e.g. amqp://user:password@host:5672/vhost,"
              + " instead of PostgreSQL (default: $PUMP_RABBITMQ_URI); the database still records"
              + " discards")
  String rabbitmq;

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
    String uri = rabbitMqUri(spec);
    if (uri == null) {
      return work.apply(database.operations().errorQueue(name));
    }
    RabbitMqTransport transport;
    try {
      transport =
          RabbitMqTransport.builder()
              .uri(uri)
              .connectionName("pump-cli")
              .declareTopology(false)
              .build();
    } catch (RuntimeException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "--rabbitmq: " + String.valueOf(e.getMessage()).replace(uri, shown(uri)));
    }
    try (transport) {
      return work.apply(database.operations().errorQueue(transport, name));
    } catch (TransportException e) {
      throw new CliException(
          ExitCodes.NO_DATABASE,
          "cannot read error queue "
              + name
              + " at RabbitMQ "
              + shown(uri)
              + ": "
              + e.getMessage()
              + " (check the URI, the login and that the queue exists)");
    }
  }

  /** {@code --rabbitmq}, else {@code PUMP_RABBITMQ_URI}, else null for PostgreSQL. */
  private String rabbitMqUri(CommandSpec spec) {
    String uri =
        rabbitmq != null
            ? rabbitmq
            : ((dev.pump.cli.PumpCommand) spec.root().userObject()).variable(RABBITMQ_VARIABLE);
    return uri == null || uri.isBlank() ? null : uri;
  }

  /** The URI without its password. */
  static String shown(String uri) {
    try {
      URI parsed = URI.create(uri);
      String user = parsed.getRawUserInfo();
      if (user == null || !user.contains(":")) {
        return uri;
      }
      return uri.replace(user, user.substring(0, user.indexOf(':')) + ":***");
    } catch (IllegalArgumentException e) {
      return "(an invalid URI)";
    }
  }
}
