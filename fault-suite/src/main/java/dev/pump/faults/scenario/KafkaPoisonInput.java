package dev.pump.faults.scenario;

// Long because the hostile records are the scenario: listing them one per entry keeps each
// record's expectation beside its bytes.

import com.zaxxer.hikari.HikariDataSource;
import dev.pump.core.Endpoint;
import dev.pump.core.Headers;
import dev.pump.core.serialization.JsonSerializer;
import dev.pump.core.spi.QueueBrowser.Decision;
import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.harness.LoadGenerator;
import dev.pump.faults.harness.Waits;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.sut.CrashPlan;
import dev.pump.faults.sut.Messages.ChargeOrder;
import dev.pump.faults.sut.Messages.PlaceOrder;
import dev.pump.faults.sut.Sut;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import dev.pump.jdbc.PumpDataSources;
import dev.pump.kafka.KafkaTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * poison-input-kafka: hostile records produced straight to the endpoints' topics with Kafka's own
 * client, bypassing every sender-side check, while ordinary load runs: bodies that are not JSON or
 * of the wrong shape, unknown and JDK types, no headers at all (no message id), no type header, a
 * wrong content type, zero bytes, a record without a value, invalid UTF-8 in the body and in a
 * header, a body larger than the transport takes, and ids another endpoint (or the same one)
 * already handled. Each is recorded in {@code fault_poison} with its expected outcome (a record
 * without an id under the id Pump parks it with, {@code kafka:<topic>:<partition>:<offset>}); the
 * error topic is transcribed into {@code fault_broker_error} for the books, and anything in it that
 * was not expected there is reported and fails the run. The endpoints run in this process.
 */
public final class KafkaPoisonInput {
  private KafkaPoisonInput() {}

  /** One hostile record; {@code id} null for a record sent without one. */
  private record Poison(
      String kind, String queue, String id, List<Header> headers, byte[] body, String expect) {}

  /** Runs the scenario against the Kafka at {@code bootstrap}. */
  public static Outcome run(
      FaultDatabase server, String name, String bootstrap, int inputs, long seed) throws Exception {
    String prefix = "kp" + Long.toString(System.nanoTime(), 36) + "-";
    try (Harness harness = new Harness(server, name);
        HikariDataSource pool =
            PumpDataSources.pooled(harness.jdbcUrl(), server.user(), server.password(), 20);
        KafkaTransport transport =
            KafkaTransport.builder().bootstrapServers(bootstrap).clientId(prefix).build()) {
      harness.routeQueues(prefix);
      JdbcStorage storage = JdbcStorage.builder().dataSource(pool).migrate(false).build();
      List<Endpoint> endpoints = new ArrayList<>();
      for (String role : Sut.ENDPOINTS) {
        endpoints.add(Sut.endpoint(role, prefix, storage, transport, CrashPlan.never()));
      }
      OutboxDispatcher dispatcher =
          Sut.dispatcher(storage, transport, CrashPlan.never(), Set.of(), 10);
      List<Endpoint> started = Sut.startInOrder(endpoints);
      dispatcher.start();
      try {
        // some ordinary traffic first, so ids exist to collide with
        new LoadGenerator(harness.storage(), harness.web(), 20, 0, seed, 0)
            .destination(prefix + "orders")
            .run();
        Waits.until(() -> harness.handled("shipping") >= 20, Duration.ofMinutes(1), () -> {});
        List<Poison> poisons = poisons(harness, prefix);
        Thread load =
            Thread.ofPlatform()
                .start(
                    new LoadGenerator(harness.storage(), harness.web(), inputs, 0.1, seed, 0)
                        .prefix("load-")
                        .destination(prefix + "orders"));
        produce(bootstrap, transport, harness, poisons);
        long expectedErrors = poisons.stream().filter(p -> p.expect().equals("error")).count();
        String errorTopic = prefix + Sut.ERROR_QUEUE;
        var errors = transport.browser().orElseThrow();
        boolean settled =
            Waits.until(
                () ->
                    !load.isAlive()
                        && harness.handled("orders") >= inputs + 20
                        && harness.handled("shipping") >= inputs + 20
                        && errors.browse(errorTopic, 1_000, m -> Decision.KEEP) >= expectedErrors,
                Duration.ofMinutes(2),
                () -> {});
        List<String> reasons = new ArrayList<>();
        List<String[]> parked = new ArrayList<>();
        errors.browse(
            errorTopic,
            1_000,
            m -> {
              String reason = m.headers().get(Headers.FAILURE_REASON);
              String message = m.headers().getOrDefault(Headers.EXCEPTION_MESSAGE, "");
              parked.add(new String[] {m.messageId(), reason});
              reasons.add(
                  m.messageId()
                      + " -> "
                      + reason
                      + ": "
                      + message.substring(0, Math.min(120, message.length())));
              return Decision.KEEP;
            });
        List<String> unexpected = new ArrayList<>();
        for (String[] p : parked) {
          harness.recordBrokerError(p[0], String.valueOf(p[1]));
          if (p[1] == null || p[1].isEmpty()) {
            unexpected.add(p[0] + " without a reason");
          }
          boolean expected =
              poisons.stream().anyMatch(x -> x.expect().equals("error") && p[0].equals(x.id()));
          if (!expected) {
            unexpected.add(p[0]);
          }
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("seed", seed);
        facts.put("transport", "kafka");
        facts.put("poisonRecords", poisons.size());
        facts.put("expectedInErrorTopic", expectedErrors);
        facts.put("inErrorTopic", parked.size());
        facts.put("unexpectedInErrorTopic", unexpected);
        facts.put("settled", settled);
        facts.put("expectationsMet", unexpected.isEmpty() && parked.size() == expectedErrors);
        facts.put("reasons", reasons);
        // the consumer groups' subscriptions, which the database cannot see
        harness.recordBrokerSubscription(prefix + "shipping");
        return new Outcome(name, harness.books(), facts);
      } finally {
        for (Endpoint endpoint : started.reversed()) {
          endpoint.stop(Duration.ofSeconds(5));
        }
        dispatcher.stop(Duration.ofSeconds(5));
      }
    }
  }

  /** Produces every poison record and records it, with the id Pump parks it under. */
  private static void produce(
      String bootstrap, KafkaTransport transport, Harness harness, List<Poison> poisons)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                4 * 1024 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
      for (Poison poison : poisons) {
        String topic = transport.topicOf(poison.queue());
        RecordMetadata sent =
            producer
                .send(
                    new ProducerRecord<byte[], byte[]>(
                        topic, (Integer) null, (byte[]) null, poison.body(), poison.headers()))
                .get(1, TimeUnit.MINUTES);
        String id =
            poison.id() != null
                ? poison.id()
                : "kafka:" + topic + ":" + sent.partition() + ":" + sent.offset();
        Poison recorded =
            new Poison(
                poison.kind(),
                poison.queue(),
                id,
                poison.headers(),
                poison.body(),
                poison.expect());
        poisons.set(poisons.indexOf(poison), recorded);
        harness
            .storage()
            .jdbi()
            .useHandle(h ->
                h.execute(
                    "INSERT INTO fault_poison (message_id, queue, kind, expect) VALUES (?, ?, ?, ?)",
                    recorded.id(),
                    recorded.queue(),
                    recorded.kind(),
                    recorded.expect()));
      }
    }
  }

  private static List<Poison> poisons(Harness harness, String prefix) {
    String orders = prefix + "orders";
    String placeOrder = PlaceOrder.class.getName();
    List<Poison> list = new ArrayList<>();
    list.add(poison("not-json", orders, "p-not-json", placeOrder, utf8("this is not json")));
    list.add(poison("json-array", orders, "p-array", placeOrder, utf8("[1, 2, 3]")));
    list.add(
        poison("wrong-shape", orders, "p-shape", placeOrder, utf8("{\"orderId\": {\"a\": [1]}}")));
    list.add(poison("missing-fields", orders, "p-missing", placeOrder, utf8("{\"x\": 1}")));
    list.add(poison("json-null", orders, "p-null", placeOrder, utf8("null")));
    list.add(poison("unknown-type", orders, "p-unknown", "com.example.NoSuchType", utf8("{}")));
    list.add(poison("jdk-type", orders, "p-jdk", "java.lang.ProcessBuilder", utf8("{}")));
    list.add(
        poison(
            "other-handlers-type",
            orders,
            "p-other",
            ChargeOrder.class.getName(),
            utf8("{\"orderId\":\"x\"}")));
    list.add(new Poison("no-headers", orders, null, List.of(), order("p-none"), "error"));
    list.add(
        new Poison(
            "no-type-header",
            orders,
            "p-no-type",
            List.of(header(Headers.MESSAGE_ID, "p-no-type")),
            order("p-no-type"),
            "error"));
    List<Header> xml = new ArrayList<>(headers("p-xml", placeOrder));
    xml.set(1, header(Headers.CONTENT_TYPE, "application/xml"));
    list.add(new Poison("wrong-content-type", orders, "p-xml", xml, utf8("<order/>"), "error"));
    list.add(poison("zero-bytes", orders, "p-empty", placeOrder, new byte[0]));
    list.add(
        new Poison(
            "no-value", orders, "p-no-value", headers("p-no-value", placeOrder), null, "error"));
    list.add(
        poison(
            "invalid-utf8-body",
            orders,
            "p-utf8",
            placeOrder,
            new byte[] {0, (byte) 0xC3, 0x28, (byte) 0xFF}));
    List<Header> badHeader = new ArrayList<>(headers("p-bad-header", placeOrder));
    badHeader.add(new RecordHeader("x-trace", new byte[] {(byte) 0xC3, 0x28}));
    list.add(
        new Poison(
            "invalid-utf8-header", orders, "p-bad-header", badHeader, order("p-bh"), "error"));
    byte[] huge = new byte[(int) KafkaTransport.DEFAULT_MAX_MESSAGE_BYTES + 16 * 1024];
    java.util.Arrays.fill(huge, (byte) '{');
    list.add(poison("oversized", orders, "p-huge", placeOrder, huge));
    list.add(
        poison(
            "billing-not-json",
            prefix + "billing",
            "p-billing",
            ChargeOrder.class.getName(),
            utf8("%%%")));
    List<Header> extra = new ArrayList<>(headers("p-extra", placeOrder));
    extra.add(header(Headers.DELAYED_RETRIES, "NaN"));
    extra.add(header(Headers.FAILED_QUEUE, "'; DROP TABLE fault_effect; --"));
    extra.add(header("x-\u0007bel", "\u202e"));
    list.add(
        new Poison("garbage-extra-headers", orders, "p-extra", extra, order("p-extra"), "handled"));
    // an id billing already handled, sent to orders: a different endpoint's inbox, so handled
    String billingId =
        harness
            .storage()
            .jdbi()
            .withHandle(h ->
                h.createQuery(
                        "SELECT message_id FROM pump.inbox WHERE endpoint = 'billing'"
                            + " ORDER BY message_id LIMIT 1")
                    .mapTo(String.class)
                    .one());
    list.add(
        new Poison(
            "id-of-billing-message",
            orders,
            billingId,
            headers(billingId, placeOrder),
            order("collide-billing"),
            "handled"));
    // an id orders already handled, now with a body nobody can read: refused before the inbox
    list.add(poison("handled-id-unreadable-body", orders, "in-3", placeOrder, utf8("not json")));
    return list;
  }

  private static Poison poison(String kind, String queue, String id, String type, byte[] body) {
    return new Poison(kind, queue, id, headers(id, type), body, "error");
  }

  private static List<Header> headers(String id, String type) {
    return List.of(
        header(Headers.MESSAGE_ID, id),
        header(Headers.CONTENT_TYPE, JsonSerializer.CONTENT_TYPE),
        header(Headers.ENCLOSED_TYPES, type));
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] order(String orderId) {
    return utf8("{\"orderId\": \"" + orderId + "\", \"note\": \"poison test\"}");
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
