package dev.pump.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import dev.pump.core.spi.TransportException;
import dev.pump.rabbitmq.RabbitMqTransport.PublishStatistics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the RabbitMQ transport promises beyond the transport contract. */
class RabbitMqTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration SHORT_WAIT = Duration.ofMillis(300);

  private BrokerAdmin admin;
  private final List<RabbitMqTransport> transports = new ArrayList<>();

  @BeforeEach
  void connectAdmin() throws Exception {
    admin = new BrokerAdmin();
  }

  @AfterEach
  void closeEverything() throws IOException {
    transports.forEach(RabbitMqTransport::close);
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void aBatchIsPublishedWithOneWaitForConfirmsNotOnePerMessage() throws Exception {
    RabbitMqTransport transport = transport(RabbitMqTransport.builder());
    String queue = queue(transport);
    PublishStatistics before = transport.publishStatistics();

    transport.send(queue, messages("batch", 100));

    PublishStatistics after = transport.publishStatistics();
    assertThat(after.confirmWaits() - before.confirmWaits()).isEqualTo(1);
    assertThat(after.messagesConfirmed() - before.messagesConfirmed()).isEqualTo(100);
    assertThat(receiveAll(transport, queue, 100)).hasSize(100);
  }

  @Test
  void aSendToAQueueThatDoesNotExistFailsTheWholeBatch() throws Exception {
    RabbitMqTransport transport = transport(RabbitMqTransport.builder());
    String missing = admin.queueName("missing"); // never created

    assertThatThrownBy(() -> transport.send(missing, messages("lost", 3)))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining(missing)
        .hasMessageContaining("could not route 3 of 3");
    assertThat(transport.publishStatistics().batchesConfirmed()).isZero();

    // the transport (and its pooled channel) keeps working for queues that exist
    String queue = queue(transport);
    transport.send(queue, messages("after", 1));
    receive(transport, queue).complete();
  }

  @Test
  void headersRoundTripAndTheWellKnownOnesTravelAsAmqpProperties() throws Exception {
    RabbitMqTransport transport = transport(RabbitMqTransport.builder());
    String queue = queue(transport);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Headers.MESSAGE_ID, "id-1");
    headers.put(Headers.CORRELATION_ID, "corr-1");
    headers.put(Headers.CONTENT_TYPE, "application/json");
    headers.put(Headers.ENCLOSED_TYPES, "com.example.OrderPlaced;com.example.OrderEvent");
    headers.put(Headers.REPLY_TO, "billing");
    headers.put("custom.empty", "");
    headers.put("custom.unicode", "Zürich ☃");
    headers.put("custom.long", "x".repeat(1000)); // too long for a short-string property
    byte[] body = {0, 1, 2, (byte) 0xff};

    OutgoingMessage message = OutgoingMessage.of("id-1", headers, body);
    String unconsumed = queue(transport); // the transport never consumes it: the test reads it raw

    transport.send(queue, List.of(message));
    transport.send(unconsumed, List.of(message));

    ReceivedMessage received = receive(transport, queue);
    assertThat(received.messageId()).isEqualTo("id-1");
    assertThat(received.headers()).isEqualTo(headers);
    assertThat(received.body()).isEqualTo(body);
    received.complete();

    // what another AMQP client sees: standard properties, persistent, the rest as headers
    try (Channel channel = admin.channel()) {
      GetResponse raw = channel.basicGet(unconsumed, true);
      AMQP.BasicProperties properties = raw.getProps();
      assertThat(properties.getMessageId()).isEqualTo("id-1");
      assertThat(properties.getCorrelationId()).isEqualTo("corr-1");
      assertThat(properties.getContentType()).isEqualTo("application/json");
      assertThat(properties.getType()).isEqualTo("com.example.OrderPlaced");
      assertThat(properties.getDeliveryMode()).isEqualTo(2);
      assertThat(properties.getHeaders())
          .containsKeys(Headers.REPLY_TO, "custom.unicode", Headers.ENCLOSED_TYPES)
          .doesNotContainKeys(Headers.MESSAGE_ID, Headers.CORRELATION_ID, Headers.CONTENT_TYPE);
    }
  }

  @Test
  void aMessageFromAnotherAmqpProducerArrivesWithItsHeadersAsText() throws Exception {
    RabbitMqTransport transport = transport(RabbitMqTransport.builder());
    String queue = queue(transport);
    Map<String, Object> amqpHeaders = new LinkedHashMap<>();
    amqpHeaders.put("text", LongStringHelper.asLongString("plain"));
    amqpHeaders.put("number", 42);
    amqpHeaders.put("flag", true);
    try (Channel channel = admin.channel()) {
      channel.basicPublish(
          "",
          queue,
          new AMQP.BasicProperties.Builder()
              .messageId("foreign-1")
              .type("com.example.Legacy")
              .headers(amqpHeaders)
              .build(),
          "{}".getBytes(StandardCharsets.UTF_8));
    }

    ReceivedMessage received = receive(transport, queue);

    assertThat(received.messageId()).isEqualTo("foreign-1");
    assertThat(received.headers())
        .containsEntry("text", "plain")
        .containsEntry("number", "42")
        .containsEntry("flag", "true")
        .containsEntry(Headers.MESSAGE_ID, "foreign-1")
        .containsEntry(Headers.ENCLOSED_TYPES, "com.example.Legacy");
    assertThat(received.headers().values())
        .allSatisfy(v -> assertThat(v).isInstanceOf(String.class));
    received.complete();
  }

  @Test
  void thePrefetchBoundsHowManyMessagesAreDeliveredAndNotYetSettled() throws Exception {
    RabbitMqTransport transport = transport(RabbitMqTransport.builder().prefetch(3));
    String queue = queue(transport);
    transport.send(queue, messages("p", 10));

    List<ReceivedMessage> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(receive(transport, queue));
    }

    // three unsettled: the broker delivers no fourth, the other seven stay ready in the queue
    assertThat(transport.receive(queue, SHORT_WAIT)).isEmpty();
    assertThat(admin.readyMessages(queue)).isEqualTo(7);

    held.get(0).complete();
    ReceivedMessage fourth = receive(transport, queue);
    assertThat(held).extracting(ReceivedMessage::messageId).doesNotContain(fourth.messageId());
    assertThat(transport.receive(queue, SHORT_WAIT)).isEmpty();
  }

  @Test
  void anAbandonedMessageIsRequeuedAndAQuorumQueueCountsEveryDelivery() throws Exception {
    RabbitMqTransport transport = transport(RabbitMqTransport.builder());
    String queue = queue(transport);
    transport.send(queue, messages("again", 1));

    List<Integer> counts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ReceivedMessage received = receive(transport, queue);
      counts.add(received.deliveryCount());
      received.abandon(Duration.ofMinutes(1)); // no delayed requeue on RabbitMQ: back at once
    }

    assertThat(counts).containsExactly(1, 2, 3);
  }

  @Test
  void aClassicQueueOnlyTellsThatAMessageWasDeliveredBefore() throws Exception {
    RabbitMqTransport transport =
        transport(RabbitMqTransport.builder().queueType(QueueType.CLASSIC));
    String queue = queue(transport);
    transport.send(queue, messages("classic", 1));

    List<Integer> counts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ReceivedMessage received = receive(transport, queue);
      counts.add(received.deliveryCount());
      received.abandon(Duration.ZERO);
    }

    assertThat(counts).containsExactly(1, 2, 2);
  }

  @Test
  void createQueueIsIdempotentAndRefusesAnExistingQueueOfAnotherType() throws Exception {
    RabbitMqTransport quorum = transport(RabbitMqTransport.builder());
    String queue = queue(quorum);
    quorum.createQueue(queue);

    RabbitMqTransport classic = transport(RabbitMqTransport.builder().queueType(QueueType.CLASSIC));
    assertThatThrownBy(() -> classic.createQueue(queue))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining(queue)
        .hasMessageContaining("PRECONDITION_FAILED");
  }

  @Test
  void aSubscriberToASupertypeReceivesEverySubtypeOnceAndOthersOnlyTheirOwn() throws Exception {
    RabbitMqTransport transport = transport(RabbitMqTransport.builder());
    String animal = admin.topicName("Animal");
    String pet = admin.topicName("Pet");
    String dog = admin.topicName("Dog");
    String cat = admin.topicName("Cat");
    String everything = queue(transport);
    String dogs = queue(transport);
    transport.subscribe(animal, everything);
    transport.subscribe(pet, everything); // two paths to the same queue for a dog
    transport.subscribe(dog, dogs);

    transport.publish(List.of(dog, animal, pet), List.of(message("rex")));
    transport.publish(List.of(cat, animal), List.of(message("tom")));

    assertThat(ids(receiveAll(transport, everything, 2))).containsExactlyInAnyOrder("rex", "tom");
    assertThat(ids(receiveAll(transport, dogs, 1))).containsExactly("rex");
    assertThat(transport.receive(everything, SHORT_WAIT)).isEmpty();
    assertThat(transport.receive(dogs, SHORT_WAIT)).isEmpty();

    transport.unsubscribe(dog, dogs);
    transport.unsubscribe(dog, dogs); // idempotent
    transport.unsubscribe(admin.topicName("NeverDeclared"), dogs);
    transport.publish(List.of(dog, animal, pet), List.of(message("fido")));
    assertThat(ids(receiveAll(transport, everything, 1))).containsExactly("fido");
    assertThat(transport.receive(dogs, SHORT_WAIT)).isEmpty();
  }

  @Test
  void withDeclarationOffTheTransportDeclaresNothingAndSaysWhatIsMissing() throws Exception {
    RabbitMqTransport transport = transport(RabbitMqTransport.builder().declareTopology(false));
    String missingQueue = admin.queueName("operator-owned");
    String missingTopic = admin.topicName("OperatorOwned");

    assertThatThrownBy(() -> transport.createQueue(missingQueue))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining(missingQueue)
        .hasMessageContaining("NOT_FOUND");
    transport.subscribe(missingTopic, missingQueue); // the operators' job: nothing happens
    assertThatThrownBy(() -> transport.publish(List.of(missingTopic), List.of(message("x"))))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("NOT_FOUND");

    // what operators declared is used as it is
    try (Channel channel = admin.channel()) {
      channel.queueDeclare(missingQueue, true, false, false, Map.of("x-queue-type", "quorum"));
    }
    transport.createQueue(missingQueue);
    transport.send(missingQueue, List.of(message("operated")));
    assertThat(receive(transport, missingQueue).messageId()).isEqualTo("operated");
  }

  private RabbitMqTransport transport(RabbitMqTransport.Builder builder) {
    RabbitMqTransport transport =
        builder
            .uri(RabbitMqBroker.uri())
            .connectionName("pump-test")
            .networkRecoveryInterval(Duration.ofMillis(200))
            .build();
    transports.add(transport);
    return transport;
  }

  private String queue(RabbitMqTransport transport) {
    String queue = admin.queueName("rabbit");
    transport.createQueue(queue);
    return queue;
  }

  private static ReceivedMessage receive(RabbitMqTransport transport, String queue)
      throws InterruptedException {
    Optional<ReceivedMessage> received = transport.receive(queue, WAIT);
    assertThat(received).as("a message from " + queue).isPresent();
    return received.get();
  }

  private static List<ReceivedMessage> receiveAll(
      RabbitMqTransport transport, String queue, int count) throws InterruptedException {
    List<ReceivedMessage> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ReceivedMessage received = receive(transport, queue);
      all.add(received);
      received.complete();
    }
    return all;
  }

  private static List<String> ids(List<ReceivedMessage> messages) {
    return messages.stream().map(ReceivedMessage::messageId).toList();
  }

  static List<OutgoingMessage> messages(String prefix, int count) {
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(message(prefix + "-" + i));
    }
    return batch;
  }

  static OutgoingMessage message(String id) {
    return OutgoingMessage.of(
        id, Map.of(Headers.MESSAGE_ID, id), id.getBytes(StandardCharsets.UTF_8));
  }
}
