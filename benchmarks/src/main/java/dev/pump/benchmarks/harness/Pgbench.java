package dev.pump.benchmarks.harness;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code pgbench} as a subprocess against the benchmark database: {@code -n -M prepared -c N
 * -j N -T seconds -f script}, with string variables passed by {@code -D}. Its figure is the
 * database's ceiling for the same SQL without any Java in the way.
 */
public final class Pgbench {
  public static final String APPLICATION = "pump-bench-pgbench";
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial");
  private static final Pattern PROCESSED =
      Pattern.compile("number of transactions actually processed: ([0-9]+)");
  private static final Pattern FAILED = Pattern.compile("number of failed transactions: ([0-9]+)");
  private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

  private final String executable;
  private final Database database;

  public Pgbench(String executable, Database database) {
    this.executable = executable;
    this.database = database;
  }

  /** The version line of the executable, or null if it cannot be run. */
  public String version() {
    try {
      Process process =
          new ProcessBuilder(executable, "--version").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? out.trim() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * The figures of one pgbench run.
   *
   * @param tps transactions per second, without connection time
   * @param transactions transactions processed
   * @param latencyMs pgbench's average latency
   */
  public record Result(double tps, long transactions, double latencyMs) {}

  /** Runs {@code script} with {@code clients} clients for {@code duration}. */
  public Result run(Path script, Map<String, String> variables, int clients, Duration duration)
      throws IOException, InterruptedException {
    return run(Map.of(script, 1), variables, clients, duration);
  }

  /**
   * Runs {@code scripts} with {@code clients} clients for {@code duration}: each client picks the
   * script of its next transaction at random, in proportion to the scripts' weights ({@code -f
   * file@weight}); the figures count the transactions of all of them.
   */
  public Result run(
      Map<Path, Integer> scripts, Map<String, String> variables, int clients, Duration duration)
      throws IOException, InterruptedException {
    URI address = database.address();
    String path = address.getPath();
    String dbName = path == null || path.length() <= 1 ? "postgres" : path.substring(1);
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.addAll(List.of("-h", address.getHost() == null ? "localhost" : address.getHost()));
    command.addAll(List.of("-p", String.valueOf(address.getPort() < 0 ? 5432 : address.getPort())));
    command.addAll(List.of("-U", database.user()));
    command.addAll(List.of("-n", "-M", "prepared"));
    command.addAll(List.of("-c", String.valueOf(clients), "-j", String.valueOf(clients)));
    command.addAll(List.of("-T", String.valueOf(Math.max(1, duration.toSeconds()))));
    scripts.forEach((script, weight) -> command.addAll(List.of("-f", script + "@" + weight)));
    variables.forEach((name, value) -> command.addAll(List.of("-D", name + "=" + value)));
    command.add(dbName);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", database.password());
    builder.environment().put("PGAPPNAME", APPLICATION);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("pgbench did not finish:\n" + out);
    }
    Matcher tps = TPS.matcher(out);
    Matcher processed = PROCESSED.matcher(out);
    Matcher failed = FAILED.matcher(out);
    if (process.exitValue() != 0 || !tps.find() || !processed.find()) {
      throw new IllegalStateException(
          "pgbench failed (exit " + process.exitValue() + "): " + command.getFirst() + "\n" + out);
    }
    if (failed.find() && Long.parseLong(failed.group(1)) > 0) {
      throw new IllegalStateException("pgbench had failed transactions:\n" + out);
    }
    Matcher latency = LATENCY.matcher(out);
    database.awaitGone(APPLICATION);
    return new Result(
        Double.parseDouble(tps.group(1)),
        Long.parseLong(processed.group(1)),
        latency.find() ? Double.parseDouble(latency.group(1)) : Double.NaN);
  }

  /** Writes {@code lines} to a script file in {@code directory}. */
  public static Path script(Path directory, String name, List<String> lines) throws IOException {
    Path file = directory.resolve(name);
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  /** The command line a reader can repeat, without the variables' values. */
  public static Map<String, Object> describe(int clients, Duration duration, List<String> script) {
    return describe(clients, duration, Map.of("script.sql", script), Map.of("script.sql", 1));
  }

  /** As {@link #describe(int, Duration, List)}, for weighted scripts by name. */
  public static Map<String, Object> describe(
      int clients,
      Duration duration,
      Map<String, List<String>> scripts,
      Map<String, Integer> weights) {
    StringBuilder files = new StringBuilder();
    scripts
        .keySet()
        .forEach(name -> {
          int weight = weights.getOrDefault(name, 1);
          files
              .append(" -f ")
              .append(name)
              .append(weight == 1 && scripts.size() == 1 ? "" : "@" + weight);
        });
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(
        "command",
        "pgbench -n -M prepared -c "
            + clients
            + " -j "
            + clients
            + " -T "
            + duration.toSeconds()
            + files
            + " -D ...");
    if (scripts.size() == 1) {
      json.put("script", scripts.values().iterator().next());
    } else {
      json.put("scripts", scripts);
    }
    return json;
  }
}
