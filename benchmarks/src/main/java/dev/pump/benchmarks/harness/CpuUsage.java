package dev.pump.benchmarks.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the machine's CPU went during a window, from {@code /proc}: the share of all CPUs that was
 * busy, and how much of it was PostgreSQL, RabbitMQ and this JVM (with its children, pgbench among
 * them). On a 2-core machine that runs the database, the broker and the benchmark at once, a rate
 * that stops growing while the database is idle is often just a machine out of CPU.
 *
 * <p>Process times include reaped children ({@code cutime}, {@code cstime}), so the backends that
 * exited in the window still count (their postmaster reaped them). Empty where there is no {@code
 * /proc}.
 */
public final class CpuUsage {
  private final long[] machine;
  private final Map<String, Long> processes;

  private CpuUsage(long[] machine, Map<String, Long> processes) {
    this.machine = machine;
    this.processes = processes;
  }

  /** A snapshot of the counters now. */
  public static CpuUsage now() {
    return new CpuUsage(machine(), processes());
  }

  /** Shares of the machine's CPU capacity since this snapshot, in percent. */
  public Map<String, Object> since() {
    CpuUsage end = now();
    Map<String, Object> json = new LinkedHashMap<>();
    long total = end.machine[0] - machine[0];
    if (total <= 0) {
      return json;
    }
    json.put("machine_busy", DbCost.round(100.0 * (total - (end.machine[1] - machine[1])) / total));
    for (Map.Entry<String, Long> group : end.processes.entrySet()) {
      long ticks = group.getValue() - processes.getOrDefault(group.getKey(), 0L);
      json.put(group.getKey(), DbCost.round(100.0 * ticks / total));
    }
    return json;
  }

  /** Jiffies of all CPUs: {total, idle + iowait}. */
  private static long[] machine() {
    try {
      String[] cpu =
          Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)
              .getFirst()
              .trim()
              .split("\\s+");
      long total = 0;
      for (int i = 1; i < cpu.length; i++) {
        total += Long.parseLong(cpu[i]);
      }
      return new long[] {total, Long.parseLong(cpu[4]) + Long.parseLong(cpu[5])};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /** Jiffies per group of processes: postgres, rabbitmq, this JVM (children included). */
  private static Map<String, Long> processes() {
    Map<String, Long> groups = new LinkedHashMap<>();
    groups.put("postgres", 0L);
    groups.put("rabbitmq", 0L);
    groups.put("benchmark_jvm_and_children", 0L);
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : entries) {
        String stat;
        try {
          stat = Files.readString(entry.resolve("stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
          continue; // gone since the listing
        }
        // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17); comm may hold spaces
        int close = stat.lastIndexOf(')');
        String comm = stat.substring(stat.indexOf('(') + 1, close);
        String[] fields = stat.substring(close + 2).split(" ");
        long ticks =
            Long.parseLong(fields[11])
                + Long.parseLong(fields[12])
                + Long.parseLong(fields[13])
                + Long.parseLong(fields[14]);
        String group =
            Long.parseLong(entry.getFileName().toString()) == self
                ? "benchmark_jvm_and_children"
                : comm.equals("postgres")
                    ? "postgres"
                    : comm.startsWith("beam") ? "rabbitmq" : null;
        if (group != null) {
          groups.merge(group, ticks, Long::sum);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return groups;
  }
}
