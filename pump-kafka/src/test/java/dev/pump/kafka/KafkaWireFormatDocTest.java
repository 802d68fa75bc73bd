package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.Endpoint;
import dev.pump.core.MessageName;
import dev.pump.core.recoverability.Recoverability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A producer that is not Pump sends to a Pump endpoint's Kafka topic exactly as docs/wire-format.md
 * says: the page's record, read from its Kafka block and produced with the plain Kafka client,
 * reaches the endpoint's handler.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaWireFormatDocTest {
  private static final Path PAGE = Path.of("../docs/wire-format.md");
  private static final Pattern KAFKA_BLOCK =
      Pattern.compile("## Kafka\n.*?```text\n(.*?)\n```", Pattern.DOTALL);

  /** The shop's command, as the page names it on the wire. */
  @MessageName("shop.PlaceOrder")
  public record PlaceOrder(String orderId, String customer, String city, long amountCents) {}

  @Test
  void theDocumentedRecordReachesAPumpEndpoint() throws Exception {
    Matcher block = KAFKA_BLOCK.matcher(Files.readString(PAGE));
    assertThat(block.find()).as("the Kafka record of " + PAGE).isTrue();
    String[] fields = block.group(1).split("\t", 3);
    List<Header> headers = new ArrayList<>();
    for (String header : fields[0].split(",")) {
      int colon = header.indexOf(':');
      headers.add(
          new RecordHeader(
              header.substring(0, colon),
              header.substring(colon + 1).getBytes(StandardCharsets.UTF_8)));
    }
    List<PlaceOrder> handled = new CopyOnWriteArrayList<>();
    String queue = queueName("orders"); // the page's is "orders"; a unique one per run
    try (KafkaTransport transport = KafkaTestSupport.transport().build();
        Endpoint endpoint =
            Endpoint.builder()
                .name(queue)
                .transport(transport)
                .recoverability(
                    Recoverability.builder()
                        .immediateRetries(0)
                        .delayedRetries(0)
                        .errorQueue(queue + "-error")
                        .build())
                .handler(PlaceOrder.class, (order, context) -> handled.add(order))
                .build()) {
      endpoint.start();

      KafkaTestSupport.produceRaw(
          new ProducerRecord<>(
              transport.topicOf(queue),
              null,
              fields[1].getBytes(StandardCharsets.UTF_8),
              fields[2].getBytes(StandardCharsets.UTF_8),
              headers));

      await().atMost(KafkaTestSupport.WAIT).until(() -> !handled.isEmpty());
      assertThat(handled).containsExactly(new PlaceOrder("order-9003", "alan", "Faro", 900));
    }
  }
}
