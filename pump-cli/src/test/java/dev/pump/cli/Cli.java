package dev.pump.cli;

import dev.pump.cli.output.Json;
import dev.pump.testkit.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Runs {@code pump} in this process, as a user would type it, and keeps what it printed. */
final class Cli {
  private final Map<String, String> environment = new HashMap<>();
  private final List<String> connection = new ArrayList<>();
  private String stdin = "";

  private Cli() {}

  /** No connection given. */
  static Cli bare() {
    return new Cli();
  }

  /** Connected to {@code db} through the options. */
  static Cli on(TestDatabase db) {
    Cli cli = new Cli();
    cli.connection.addAll(
        List.of("--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password", db.password()));
    return cli;
  }

  Cli env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  Cli stdin(String text) {
    stdin = text;
    return this;
  }

  /** Runs {@code pump args...} with the connection options after the command's words. */
  Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(connection);
    return runExactly(all.toArray(String[]::new));
  }

  /** Runs {@code pump args...} as given. */
  Result runExactly(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        PumpCli.run(
            args,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            environment,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    return new Result(code, out.toString(), err.toString());
  }

  /** What one run printed and how it ended. */
  record Result(int exitCode, String out, String err) {
    JsonNode json() {
      return Json.mapper().readTree(out);
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }
}
