package dev.pump.benchmarks.confirms;

import dev.pump.benchmarks.harness.Broker;
import dev.pump.benchmarks.report.Case;
import dev.pump.benchmarks.report.Measured;
import dev.pump.benchmarks.report.Scenario;
import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.rabbitmq.QueueType;
import dev.pump.rabbitmq.RabbitMqTransport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The confirms scenario (opt-in: {@code --scenario confirms}, needs RabbitMQ): what batching
 * publisher confirms buys. The RabbitMQ transport sends the same messages to one quorum queue with
 * one confirm per batch of 100 and with one confirm per message (batches of 1), in rounds that take
 * turns, and compares messages per second.
 */
public final class ConfirmBatching {
  /** The scenario's name on the command line. */
  public static final String NAME = "confirms";

  private static final int BODY_BYTES = 256;
  private static final int BATCH = 100;

  private final String rabbitUri;
  private final int rounds;
  private final int scale;

  /**
   * @param rabbitUri the broker, or null: the case is then reported missing
   * @param quick fewer messages per round
   */
  public ConfirmBatching(String rabbitUri, int rounds, boolean quick) {
    this.rabbitUri = rabbitUri;
    this.rounds = rounds;
    this.scale = quick ? 10 : 1;
  }

  /** Runs the rounds and returns the one case. */
  public Scenario run() throws Exception {
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("queue_type", "quorum");
    conditions.put("body_bytes", BODY_BYTES);
    conditions.put("batch", BATCH);
    String title = "RabbitMQ publisher confirms: one per batch against one per message";
    if (rabbitUri == null) {
      Measured missing = Measured.missing("pump", "msg/s", "no RabbitMQ");
      return new Scenario(
          NAME,
          title,
          List.of(
              new Case(
                  "quorum queue",
                  conditions,
                  missing,
                  List.of(Measured.missing("confirm-per-message", "msg/s", "no RabbitMQ")))),
          List.of());
    }
    String queue = "pump-bench-confirms-" + UUID.randomUUID();
    List<Double> batched = new ArrayList<>();
    List<Double> single = new ArrayList<>();
    try (RabbitMqTransport transport =
        RabbitMqTransport.builder()
            .uri(rabbitUri)
            .queueType(QueueType.QUORUM)
            .connectionName("pump-bench-confirms")
            .build()) {
      transport.createQueue(queue);
      send(transport, queue, 1, 500 / scale); // warm-up: JIT, channels, the queue's first writes
      send(transport, queue, BATCH, 5_000 / scale);
      for (int round = 0; round < rounds; round++) {
        single.add(send(transport, queue, 1, 3_000 / scale));
        batched.add(send(transport, queue, BATCH, 30_000 / scale));
      }
    } finally {
      Broker.withChannel(rabbitUri, channel -> channel.queueDelete(queue));
    }
    Measured pump = new Measured("pump", "msg/s", batched, new LinkedHashMap<>());
    Measured perMessage =
        new Measured("confirm-per-message", "msg/s", single, new LinkedHashMap<>());
    System.out.printf(
        "%s: one confirm per batch of %d %.0f msg/s, one per message %.0f msg/s%n",
        NAME, BATCH, pump.median(), perMessage.median());
    return new Scenario(
        NAME,
        title,
        List.of(new Case("quorum queue", conditions, pump, List.of(perMessage))),
        List.of());
  }

  private static double send(RabbitMqTransport transport, String queue, int batchSize, int total) {
    byte[] body = new byte[BODY_BYTES];
    long start = System.nanoTime();
    for (int sent = 0; sent < total; sent += batchSize) {
      List<OutgoingMessage> batch = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        String id = UUID.randomUUID().toString();
        batch.add(OutgoingMessage.of(id, Map.of(Headers.MESSAGE_ID, id), body));
      }
      transport.send(queue, batch);
    }
    return total / ((System.nanoTime() - start) / 1e9);
  }
}
