package dev.pump.benchmarks.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pump.benchmarks.endtoend.EndToEndService;
import dev.pump.benchmarks.harness.Database;
import dev.pump.benchmarks.harness.DbCost;
import dev.pump.benchmarks.harness.TimedTransport;
import dev.pump.benchmarks.harness.Timeline;
import dev.pump.core.Endpoint;
import dev.pump.core.spi.Transport;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PostgresTransport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JVM of the memory scenario: drains a backlog someone else wrote, for at most a window, while
 * it samples its own memory every second, and prints one line {@code MEMORY-RESULT <json>}. A JVM
 * of its own with a fixed {@code -Xmx}, so neither the harness's other scenarios nor its peak RSS
 * blur the figure, and the large and the small backlog start alike.
 *
 * <pre>
 * java -Xmx256m -cp benchmarks.jar dev.pump.benchmarks.MemoryChild
 *     queue|outbox JDBC_URL USER PASSWORD BACKLOG WINDOW_MS CONCURRENCY SNAPSHOT_AT
 *     MESSAGES_PER_TRANSACTION
 * </pre>
 *
 * <p>{@code queue}: the end-to-end endpoint ({@link EndToEndService#endpoint}) handles the input
 * queue's backlog (inbox, business insert, outbox row per message). {@code outbox}: the {@link
 * OutboxDispatcher} relays the outbox's backlog to the PostgreSQL output queue.
 */
public final class MemoryChild {
  static final String RESULT = "MEMORY-RESULT ";
  static final String APPLICATION = "pump-bench-memory";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private MemoryChild() {}

  /** Drains and prints the result line; exits with 1 on a failure. */
  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    String phase = args[0];
    int backlog = Integer.parseInt(args[4]);
    Duration window = Duration.ofMillis(Long.parseLong(args[5]));
    int concurrency = Integer.parseInt(args[6]);
    int snapshotAt = Integer.parseInt(args[7]);
    int messagesPerTransaction = Integer.parseInt(args[8]);
    HeapAfterGc afterGc = HeapAfterGc.listen();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args[1]);
    config.setUsername(args[2]);
    config.setPassword(args[3]);
    config.setMaximumPoolSize(concurrency + 6);
    config.setPoolName(APPLICATION);
    config.addDataSourceProperty("ApplicationName", APPLICATION);
    Map<String, Object> result;
    try (HikariDataSource pool = new HikariDataSource(config)) {
      JdbcStorage storage = Database.storage(pool);
      Transport transport = PostgresTransport.builder().storage(storage).build();
      if (phase.equals("queue")) {
        Timeline timeline = new Timeline(Memory.QUEUE_PREFIX);
        Endpoint endpoint =
            EndToEndService.endpoint(
                new TimedTransport(transport, timeline, EndToEndService.OUTPUT),
                storage,
                concurrency,
                messagesPerTransaction,
                java.util.List.of());
        endpoint.start();
        result = drain(backlog, window, snapshotAt, timeline::handled, afterGc);
        endpoint.stop(Duration.ofSeconds(10));
      } else {
        OutboxDispatcher dispatcher =
            OutboxDispatcher.builder().storage(storage).transport(transport).build();
        dispatcher.start();
        result =
            drain(
                backlog, window, snapshotAt, () -> dispatcher.counters().rowsDispatched(), afterGc);
        dispatcher.stop(Duration.ofSeconds(10));
      }
      transport.close();
      storage.close();
    }
    System.out.println(RESULT + JSON.writeValueAsString(result));
    System.out.flush();
    System.exit(0);
  }

  /**
   * Takes the live heap once {@code snapshotAt} rows are done (a full collection while the drain
   * runs, so the large and the small backlog are compared in the same state, after the same work),
   * then samples every second until {@code done} reaches the backlog or the window ends.
   */
  private static Map<String, Object> drain(
      int backlog, Duration window, int snapshotAt, LongSupplier done, HeapAfterGc afterGc)
      throws IOException {
    var memory = ManagementFactory.getMemoryMXBean();
    List<Map<String, Object>> samples = new ArrayList<>();
    long start = System.nanoTime();
    long end = start + window.toNanos();
    long liveMidDrain = -1;
    long snapshotProcessed = -1;
    while (liveMidDrain < 0 && System.nanoTime() < end) {
      long processed = done.getAsLong();
      if (processed >= snapshotAt) {
        System.gc();
        liveMidDrain = memory.getHeapMemoryUsage().getUsed();
        snapshotProcessed = processed;
      } else {
        Database.sleep(5);
      }
    }
    long heapPeak = 0;
    long rssPeakSampled = 0;
    while (done.getAsLong() < backlog && System.nanoTime() < end) {
      Database.sleep(Math.min(1_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      long heap = memory.getHeapMemoryUsage().getUsed();
      Map<String, Long> status = procStatus();
      heapPeak = Math.max(heapPeak, heap);
      rssPeakSampled = Math.max(rssPeakSampled, status.getOrDefault("VmRSS", 0L));
      Map<String, Object> sample = new LinkedHashMap<>();
      sample.put("t_s", DbCost.round((System.nanoTime() - start) / 1e9));
      sample.put("processed", done.getAsLong());
      sample.put("heap_used_mb", mb(heap));
      sample.put("heap_after_gc_mb", mb(afterGc.last()));
      sample.put("rss_mb", mb(status.getOrDefault("VmRSS", 0L)));
      samples.add(sample);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long processed = done.getAsLong();
    Map<String, Long> status = procStatus();
    // what is still reachable while the drain is running: a full collection, then the heap
    System.gc();
    long live = memory.getHeapMemoryUsage().getUsed();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("backlog", backlog);
    result.put("processed", processed);
    result.put("seconds", DbCost.round(seconds));
    result.put("per_s", DbCost.round(processed / seconds));
    result.put("drained", processed >= backlog);
    result.put("heap_used_peak_mb", mb(heapPeak));
    // a small drain may end before any collection: the final full one counts as one
    result.put("heap_after_gc_peak_mb", mb(Math.max(afterGc.peak(), live)));
    result.put("gcs", afterGc.count());
    result.put("heap_live_after_full_gc_mb", mb(live));
    result.put("heap_live_mid_drain_mb", liveMidDrain < 0 ? null : mb(liveMidDrain));
    result.put("mid_drain_snapshot_at_processed", snapshotProcessed);
    result.put("heap_max_mb", mb(memory.getHeapMemoryUsage().getMax()));
    result.put("rss_end_mb", mb(status.getOrDefault("VmRSS", 0L)));
    result.put("rss_peak_mb", mb(status.getOrDefault("VmHWM", 0L)));
    result.put("samples", samples);
    return result;
  }

  /** VmRSS and VmHWM of this process, in bytes; empty where there is no /proc. */
  private static Map<String, Long> procStatus() throws IOException {
    Map<String, Long> values = new LinkedHashMap<>();
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return values;
    }
    for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
      if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
        String[] parts = line.split("\\s+");
        values.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]) * 1024);
      }
    }
    return values;
  }

  private static double mb(long bytes) {
    return DbCost.round(bytes / (1024.0 * 1024.0));
  }

  /**
   * The heap occupied right after each collection, from the collectors' notifications: the figure a
   * GC log prints after the arrow. Sampling {@code used} instead would mostly measure how much
   * garbage happened to wait for the next collection.
   */
  private static final class HeapAfterGc {
    private final AtomicLong last = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong count = new AtomicLong();

    static HeapAfterGc listen() {
      HeapAfterGc listener = new HeapAfterGc();
      List<String> heapPools =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(pool -> pool.getType() == MemoryType.HEAP)
              .map(pool -> pool.getName())
              .toList();
      for (var collector : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) collector)
            .addNotificationListener(
                (notification, handback) -> {
                  if (!notification
                      .getType()
                      .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                  }
                  GarbageCollectionNotificationInfo info =
                      GarbageCollectionNotificationInfo.from(
                          (CompositeData) notification.getUserData());
                  long used = 0;
                  for (Map.Entry<String, MemoryUsage> pool :
                      info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(pool.getKey())) {
                      used += pool.getValue().getUsed();
                    }
                  }
                  listener.last.set(used);
                  listener.peak.accumulateAndGet(used, Math::max);
                  listener.count.incrementAndGet();
                },
                null,
                null);
      }
      return listener;
    }

    long last() {
      return last.get();
    }

    long peak() {
      return peak.get();
    }

    long count() {
      return count.get();
    }
  }
}
