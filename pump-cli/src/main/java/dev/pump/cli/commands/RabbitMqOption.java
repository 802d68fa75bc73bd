package dev.pump.cli.commands;

import dev.pump.cli.CliException;
import dev.pump.cli.ExitCodes;
import dev.pump.cli.PumpCommand;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.net.URI;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --rabbitmq URI}, else {@code PUMP_RABBITMQ_URI}: the broker whose error queues a command
 * reads instead of PostgreSQL's. The transport it opens declares nothing.
 */
final class RabbitMqOption {
  /** The variable {@code --rabbitmq} defaults to: {@value}. */
  static final String VARIABLE = "PUMP_RABBITMQ_URI";

  @Option(
      names = "--rabbitmq",
      paramLabel = "URI",
      description =
          "read error queues from RabbitMQ at URI, e.g. amqp://user:password@host:5672/vhost,"
              + " instead of PostgreSQL (default: $PUMP_RABBITMQ_URI); the database still records"
              + " discards")
  String rabbitmq;

  /** The URI given, or null for PostgreSQL. */
  String uri(CommandSpec spec) {
    String uri =
        rabbitmq != null ? rabbitmq : ((PumpCommand) spec.root().userObject()).variable(VARIABLE);
    return uri == null || uri.isBlank() ? null : uri;
  }

  /**
   * A transport on the broker, which connects when first used; null without a URI.
   *
   * @throws CliException usage, naming the URI without its password, if it is refused
   */
  RabbitMqTransport open(CommandSpec spec, String connectionName) {
    String uri = uri(spec);
    if (uri == null) {
      return null;
    }
    try {
      return RabbitMqTransport.builder()
          .uri(uri)
          .connectionName(connectionName)
          .declareTopology(false)
          .build();
    } catch (RuntimeException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "--rabbitmq: " + String.valueOf(e.getMessage()).replace(uri, shown(uri)));
    }
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
