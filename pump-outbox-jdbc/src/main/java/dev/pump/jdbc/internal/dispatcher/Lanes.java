package dev.pump.jdbc.internal.dispatcher;

import dev.pump.jdbc.internal.outbox.PendingRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits a cycle's rows into lanes: the parts that may be sent side by side. Within a lane every
 * batch goes after the one before has returned, exactly as the whole cycle went before sends ran in
 * parallel.
 *
 * <p>A lane is one destination, unless something ties destinations together:
 *
 * <ul>
 *   <li>the same name as a send and as a publish (a queue and a topic called alike): the circuit
 *       breaker and the in-flight guard know destinations by name, and must see one sender each;
 *   <li>an ordering key with rows to several destinations: a key has one batch in flight at a time
 *       ({@code SendOptions.orderingKey}), so destinations that share a key in this cycle are sent
 *       one after another, in the cycle's order. Keyed traffic spread over many destinations so
 *       gets no parallelism (it keeps the throughput it had); unkeyed rows lose nothing.
 * </ul>
 */
final class Lanes {
  private Lanes() {}

  /** One destination's rows of a cycle, in creation order, split into batches. */
  record DestinationRun(String destination, List<List<PendingRow>> batches) {}

  /** Destinations whose batches go one after another, in this order. */
  record Lane(List<DestinationRun> runs) {}

  /**
   * The lanes of {@code groups} (each one destination's rows, in the cycle's order of first
   * appearance), in the same order: a lane comes where its first destination came.
   */
  static List<Lane> plan(List<List<PendingRow>> groups, int maxMessages, long maxBytes) {
    int[] parent = new int[groups.size()];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    Map<String, Integer> firstByName = new HashMap<>();
    Map<String, Integer> firstByKey = new HashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      int self = i;
      List<PendingRow> group = groups.get(i);
      union(parent, self, firstByName.computeIfAbsent(group.getFirst().destination(), n -> self));
      for (PendingRow row : group) {
        if (row.orderingKey() != null) {
          union(parent, self, firstByKey.computeIfAbsent(row.orderingKey(), k -> self));
        }
      }
    }
    // the root is always the lowest index of its set (see union), so lanes keep the cycle's order
    Map<Integer, List<DestinationRun>> lanes = new TreeMap<>();
    for (int i = 0; i < groups.size(); i++) {
      List<PendingRow> group = groups.get(i);
      lanes
          .computeIfAbsent(find(parent, i), r -> new ArrayList<>())
          .add(
              new DestinationRun(
                  group.getFirst().destination(), Batching.split(group, maxMessages, maxBytes)));
    }
    return lanes.values().stream().map(Lane::new).toList();
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) {
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
}
