package dev.pump.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Not a test: what batching publisher confirms buys. Publishes the same messages with one publisher
 * confirm per message (batches of 1) and one per batch of 100, in the same run against the same
 * queue, and prints messages per second and the ratio.
 *
 * <p>Run after {@code test-compile}: {@code java -cp <test classpath>
 * dev.pump.rabbitmq.ConfirmBatchingMeasurement [uri] [queueType]}; the URI defaults to {@code
 * PUMP_TEST_RABBITMQ_URI}, else the local broker.
 */
public final class ConfirmBatchingMeasurement {
  private static final int BODY_BYTES = 256;
  private static final int BATCH = 100;

  private ConfirmBatchingMeasurement() {}

  /** Runs the measurement. */
  public static void main(String[] args) throws Exception {
    String env = System.getenv(RabbitMqBroker.URI_VARIABLE);
    String uri = args.length > 0 ? args[0] : env != null ? env : RabbitMqBroker.LOCAL_URI;
    QueueType type = args.length > 1 ? QueueType.valueOf(args[1]) : QueueType.QUORUM;
    String queue = "pump-measure-" + UUID.randomUUID();
    try (RabbitMqTransport transport =
        RabbitMqTransport.builder().uri(uri).queueType(type).build()) {
      transport.createQueue(queue);
      run(transport, queue, 1, 500); // warm-up: JIT, channels, the queue's first writes
      run(transport, queue, BATCH, 5_000);
      double single = run(transport, queue, 1, 3_000);
      double batched = run(transport, queue, BATCH, 30_000);
      System.out.printf(
          "%s queue, %d-byte bodies: one confirm per message %.0f msg/s, one per batch of %d %.0f"
              + " msg/s, ratio %.1fx%n",
          type, BODY_BYTES, single, BATCH, batched, batched / single);
    } finally {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(uri);
      try (Connection connection = factory.newConnection("pump-measure-cleanup");
          Channel channel = connection.createChannel()) {
        channel.queueDelete(queue);
      }
    }
  }

  private static double run(RabbitMqTransport transport, String queue, int batchSize, int total) {
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
