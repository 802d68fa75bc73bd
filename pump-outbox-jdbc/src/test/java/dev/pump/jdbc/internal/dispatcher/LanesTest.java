package dev.pump.jdbc.internal.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.jdbc.internal.dispatcher.Lanes.DestinationRun;
import dev.pump.jdbc.internal.dispatcher.Lanes.Lane;
import dev.pump.jdbc.internal.outbox.PendingRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which destinations of a cycle may be sent side by side, and in which order. */
class LanesTest {
  private long nextId = 1;

  @Test
  void unrelatedDestinationsGetALaneEachInTheCyclesOrder() {
    List<Lane> lanes = Lanes.plan(List.of(send("a", 3, null), send("b", 250, null)), 100, 1 << 20);

    assertThat(lanes).extracting(this::destinations).containsExactly(List.of("a"), List.of("b"));
    assertThat(lanes.get(1).runs().getFirst().batches())
        .extracting(List::size)
        .containsExactly(100, 100, 50);
  }

  @Test
  void destinationsThatShareAnOrderingKeyShareALaneSoTheKeyHasOneBatchInFlight() {
    List<Lane> lanes =
        Lanes.plan(
            List.of(
                send("a", 2, "k1"),
                send("b", 2, null),
                send("c", 2, "k2"),
                send("d", 2, "k1"),
                send("e", 2, "k2")),
            100,
            1 << 20);

    // a and d through k1, c and e through k2; each lane where its first destination came
    assertThat(lanes)
        .extracting(this::destinations)
        .containsExactly(List.of("a", "d"), List.of("b"), List.of("c", "e"));
  }

  @Test
  void keysChainLanesTogetherAndAQueueAndATopicOfOneNameShareOne() {
    List<PendingRow> x = send("x", 1, "k1");
    List<PendingRow> y = new ArrayList<>(send("y", 1, "k1"));
    y.addAll(send("y", 1, "k2"));
    List<Lane> lanes =
        Lanes.plan(
            List.of(x, send("other", 1, null), send("z", 1, "k2"), publish("other", 1)),
            100,
            1 << 20);

    assertThat(lanes)
        .extracting(this::destinations)
        .containsExactly(List.of("x"), List.of("other", "other"), List.of("z"));
    lanes = Lanes.plan(List.of(x, y, send("z", 1, "k2")), 100, 1 << 20);
    assertThat(lanes).extracting(this::destinations).containsExactly(List.of("x", "y", "z"));
  }

  private List<String> destinations(Lane lane) {
    return lane.runs().stream().map(DestinationRun::destination).toList();
  }

  private List<PendingRow> send(String destination, int n, String key) {
    List<PendingRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long id = nextId++;
      rows.add(new PendingRow(id, false, destination, null, "m-" + id, "{}", new byte[10], 0, key));
    }
    return rows;
  }

  private List<PendingRow> publish(String topic, int n) {
    List<PendingRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long id = nextId++;
      rows.add(
          new PendingRow(id, true, topic, List.of(topic), "m-" + id, "{}", new byte[10], 0, null));
    }
    return rows;
  }
}
