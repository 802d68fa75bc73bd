package dev.pump.jdbc;

import dev.pump.jdbc.internal.outbox.OutboxRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Pending outbox rows written straight into a storage's outbox, for tests of what reads them. */
final class TestOutbox {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private TestOutbox() {}

  /** Commits {@code n} pending rows to {@code destination}, {@code bytes} of body each. */
  static void write(JdbcStorage storage, String destination, int n, int bytes) {
    List<OutboxRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(
          new OutboxRow(
              destination,
              null,
              destination + "-" + SEQUENCE.getAndIncrement(),
              Map.of(),
              new byte[bytes],
              Duration.ZERO,
              null));
    }
    storage.jdbi().useTransaction(h -> storage.runtime().outbox().insert(h, "tests", null, rows));
  }
}
