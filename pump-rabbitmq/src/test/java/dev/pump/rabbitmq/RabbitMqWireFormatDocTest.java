package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.core.MessageName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A producer that is not Pump publishes to a Pump endpoint's RabbitMQ queue exactly as
 * docs/wire-format.md says: the page's publish, read from its JSON block and made as the same
 * {@code basic.publish} with the plain AMQP client, reaches the endpoint's handler.
 */
class RabbitMqWireFormatDocTest extends BrokerTestSupport {
  private static final Path PAGE = Path.of("../docs/wire-format.md");
  private static final Pattern JSON_BLOCK = Pattern.compile("```json\n(.*?)```", Pattern.DOTALL);

  /** The shop's command, as the page names it on the wire. */
  @MessageName("shop.PlaceOrder")
  public record PlaceOrder(String orderId, String customer, String city, long amountCents) {}

  RabbitMqWireFormatDocTest() {
    super("pump-wire");
  }

  @Test
  void theDocumentedPublishReachesAPumpEndpoint() throws Exception {
    JsonNode publish = documentedPublish();
    List<String> handled = new CopyOnWriteArrayList<>();
    // the page's queue is the endpoint's; a unique one keeps runs on a shared broker apart
    assertThat(publish.get("routing_key").asString()).isEqualTo("orders");
    String queue = admin.queueName("orders");
    endpoint =
        Endpoint.builder()
            .name(queue)
            .transport(transport)
            .recoverability(noRetries(admin.queueName("error")))
            .handler(
                PlaceOrder.class,
                (order, context) ->
                    handled.add(order + " " + context.headers().get(Headers.CORRELATION_ID)))
            .build();
    endpoint.start();
    try (Channel channel = admin.channel()) {
      channel.basicPublish(
          "",
          queue,
          true,
          properties(publish.get("properties")),
          publish.get("payload").asString().getBytes(StandardCharsets.UTF_8));
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> !handled.isEmpty());
    assertThat(handled)
        .containsExactly(new PlaceOrder("order-9002", "grace", "Porto", 1300) + " checkout-77");
  }

  private static JsonNode documentedPublish() throws Exception {
    Matcher blocks = JSON_BLOCK.matcher(Files.readString(PAGE));
    List<JsonNode> publishes = new ArrayList<>();
    JsonMapper mapper = JsonMapper.builder().build();
    while (blocks.find()) {
      JsonNode node = mapper.readTree(blocks.group(1));
      if (node.has("routing_key")) {
        publishes.add(node);
      }
    }
    assertThat(publishes).as("JSON publishes in %s", PAGE).hasSize(1);
    assertThat(publishes.getFirst().get("payload_encoding").asString()).isEqualTo("string");
    return publishes.getFirst();
  }

  /** The management API's property names, as the AMQP client's properties. */
  private static AMQP.BasicProperties properties(JsonNode json) {
    assertThat(json.propertyNames())
        .containsExactlyInAnyOrder(
            "message_id", "content_type", "type", "delivery_mode", "headers");
    Map<String, Object> headers = new LinkedHashMap<>();
    json.get("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
    return new AMQP.BasicProperties.Builder()
        .messageId(json.get("message_id").asString())
        .contentType(json.get("content_type").asString())
        .type(json.get("type").asString())
        .deliveryMode(json.get("delivery_mode").asInt())
        .headers(headers)
        .build();
  }
}
