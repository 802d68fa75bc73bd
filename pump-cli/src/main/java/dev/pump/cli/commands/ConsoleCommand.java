package dev.pump.cli.commands;

import dev.pump.cli.CliException;
import dev.pump.cli.ExitCodes;
import dev.pump.cli.database.Database;
import dev.pump.console.PumpConsole;
import dev.pump.console.PumpConsoleServer;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pump console}: the web console on this machine's loopback interface until the process is
 * stopped. Read-only unless an action token comes from {@code PUMP_CONSOLE_TOKEN} or {@code
 * --token-file}: never from an option, which other users could read in the process list.
 */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = "Serve the web console (dashboard, failed messages, traces) until stopped.",
    footer = {
      "",
      "Read-only unless an action token (16 characters or more) is given in $PUMP_CONSOLE_TOKEN",
      "or the first line of --token-file; then an operator signs in with it to retry or discard.",
      "It listens on 127.0.0.1 only: --bind another address exposes it to the network (put TLS",
      "in front of it)."
    })
public final class ConsoleCommand extends DatabaseCommand {
  /** The variable the action token is read from: {@value}. */
  public static final String TOKEN_VARIABLE = "PUMP_CONSOLE_TOKEN";

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8484",
      description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "address to listen on (default: ${DEFAULT-VALUE}); any other serves other machines")
  String bind;

  @Option(
      names = "--error-queue",
      paramLabel = "QUEUE",
      defaultValue = "error",
      split = ",",
      description =
          "error queues to show, repeatable (default: ${DEFAULT-VALUE}); PostgreSQL's, or"
              + " RabbitMQ's with --rabbitmq")
  List<String> errorQueues;

  @Mixin RabbitMqOption broker;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "read the action token from the first line of FILE")
  Path tokenFile;

  @Option(
      names = "--base-path",
      paramLabel = "PATH",
      defaultValue = "",
      description = "serve under PATH, such as /pump (default: the root)")
  String basePath;

  @Override
  int run(Database database) {
    if (port < 0 || port > 65_535) {
      throw usage("--port must be between 0 and 65535, was " + port);
    }
    InetAddress address = address();
    boolean remote = !address.isLoopbackAddress();
    String token = token();
    errorQueues.forEach(queue -> Inputs.name(spec, "--error-queue", queue));
    try (RabbitMqTransport transport = broker.open(spec, "pump-console")) {
      PumpConsole.Builder builder =
          PumpConsole.builder()
              .operations(database.operations())
              .actionToken(token)
              .basePath(basePath)
              .allowRemote(remote);
      if (transport == null) {
        builder.errorQueues(errorQueues.toArray(String[]::new));
      } else {
        errorQueues.forEach(queue -> builder.errorQueue(transport, queue));
      }
      PumpConsole console;
      try {
        console = builder.build();
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      }
      return serve(console, address, remote);
    }
  }

  private int serve(PumpConsole console, InetAddress address, boolean remote) {
    PumpConsoleServer server;
    try {
      server = PumpConsoleServer.start(console, new InetSocketAddress(address, port));
    } catch (UncheckedIOException e) {
      throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
    }
    try (server) {
      if (remote) {
        err()
            .println(
                "pump: warning: the console listens on "
                    + address.getHostAddress()
                    + ", reachable from other machines; its traffic is not encrypted: put TLS in"
                    + " front of it"
                    + (console.readOnly() ? "" : ", and keep the action token secret"));
      }
      out()
          .println(
              "Pump console at "
                  + server.uri()
                  + (console.readOnly()
                      ? " (read-only: set " + TOKEN_VARIABLE + " or --token-file to act)"
                      : " (sign in with the action token to retry or discard)"));
      out().println("Stop it with Ctrl-C.");
      out().flush();
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  private InetAddress address() {
    try {
      return InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw usage("--bind: no such address " + bind);
    }
  }

  private String token() {
    if (tokenFile != null) {
      try {
        List<String> lines = Files.readAllLines(tokenFile, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.get(0).isBlank()) {
          throw new CliException(ExitCodes.USAGE, "--token-file: " + tokenFile + " is empty");
        }
        return lines.get(0).strip();
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.USAGE, "--token-file: cannot read " + tokenFile + ": " + e, e);
      }
    }
    String token = root().variable(TOKEN_VARIABLE);
    return token == null || token.isBlank() ? null : token.strip();
  }
}
