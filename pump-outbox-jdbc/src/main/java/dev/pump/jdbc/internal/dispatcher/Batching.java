package dev.pump.jdbc.internal.dispatcher;

import dev.pump.jdbc.internal.outbox.PendingRow;
import java.util.ArrayList;
import java.util.List;

/** Splits one destination's rows into batches bounded by count and bytes, keeping their order. */
final class Batching {
  private Batching() {}

  /** A row larger than {@code maxBytes} goes alone. */
  static List<List<PendingRow>> split(List<PendingRow> rows, int maxMessages, long maxBytes) {
    List<List<PendingRow>> batches = new ArrayList<>();
    List<PendingRow> current = new ArrayList<>();
    long bytes = 0;
    for (PendingRow row : rows) {
      long size = row.size();
      if (!current.isEmpty() && (current.size() == maxMessages || bytes + size > maxBytes)) {
        batches.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(row);
      bytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }
}
