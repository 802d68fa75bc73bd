package dev.pump.kafka.internal;

import dev.pump.core.Headers;
import dev.pump.core.spi.OutgoingMessage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Pump messages as Kafka records and back. Out: every header a Kafka header in UTF-8, the ordering
 * key the record key. In: the reverse; a record Pump must not handle (no message id, a header that
 * is not UTF-8) gets a refusal and an id from its place in the log, the same on every delivery.
 * Stateless.
 */
final class KafkaRecords {
  /** The Pump topics a published record went to, most specific first, separated by {@code ;}. */
  static final String TOPICS = "pump.topics";

  /** Where a record refused for its size stays whole: {@code topic:partition:offset}. */
  static final String RECORD = "pump.kafka.record";

  private KafkaRecords() {}

  /** The record of {@code message} to the Kafka topic {@code topic}. */
  static ProducerRecord<byte[], byte[]> record(
      String topic, OutgoingMessage message, String publishedTopics) {
    List<Header> headers = new java.util.ArrayList<>(message.headers().size() + 2);
    Map<String, String> all = new LinkedHashMap<>(message.headers());
    all.putIfAbsent(Headers.MESSAGE_ID, message.messageId());
    if (publishedTopics != null) {
      all.put(TOPICS, publishedTopics);
    }
    all.forEach((name, value) ->
        headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
    String orderingKey = message.headers().get(Headers.ORDERING_KEY);
    byte[] key = orderingKey == null ? null : orderingKey.getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(topic, null, key, message.body(), headers);
  }

  /**
   * What Pump reads of a record: its id, its headers, and why it is refused, if it is. A body
   * larger than {@code maxBodyBytes} could not be parked whole (the error queue takes no larger),
   * so such a record is refused and shown without its body, which stays in its partition.
   */
  static Received received(ConsumerRecord<byte[], byte[]> record, long maxBodyBytes) {
    Map<String, String> headers = new LinkedHashMap<>();
    String refusal = null;
    for (Header header : record.headers()) {
      if (header.value() == null) {
        continue; // Kafka allows a header without a value; Pump's headers always have one
      }
      try {
        headers.put(header.key(), strictUtf8(header.value()));
      } catch (CharacterCodingException e) {
        refusal =
            refusal != null
                ? refusal
                : "its header "
                    + header.key()
                    + " is not UTF-8 text, which Pump's headers are; it was refused unhandled";
      }
    }
    String messageId = headers.get(Headers.MESSAGE_ID);
    String place = "kafka:" + record.topic() + ":" + record.partition() + ":" + record.offset();
    if (messageId == null || messageId.isBlank()) {
      refusal =
          "the record has no "
              + Headers.MESSAGE_ID
              + " header, so a redelivery of it could not be recognised and it could be handled"
              + " twice; it was refused unhandled. Set the header when producing."
              + " Pump parked it under "
              + place
              + ", its place in the log";
      messageId = place;
      headers.put(Headers.MESSAGE_ID, place);
    } else if (refusal != null) {
      refusal = "record " + place + ": " + refusal;
    }
    String topics = headers.remove(TOPICS);
    byte[] body = record.value() == null ? new byte[0] : record.value();
    if (body.length > maxBodyBytes) {
      String where = record.topic() + ":" + record.partition() + ":" + record.offset();
      refusal =
          "record "
              + where
              + " has a body of "
              + body.length
              + " bytes, more than the transport's maxMessageBytes of "
              + maxBodyBytes
              + ", so it cannot be handled or parked whole; it was refused unhandled and parked"
              + " without its body, which stays in partition "
              + record.partition()
              + " of topic "
              + record.topic()
              + " at offset "
              + record.offset()
              + " until the topic's retention deletes it";
      body = new byte[0];
      headers.put(RECORD, where);
    }
    return new Received(messageId, Map.copyOf(headers), body, topics, refusal);
  }

  private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  /**
   * A record as Pump sees it.
   *
   * @param messageId the message id
   * @param headers every header but {@link #TOPICS}, unmodifiable
   * @param body the value, empty for none
   * @param publishedTopics the record's {@link #TOPICS}, or null if it was sent to a queue
   * @param refusal why the message must not be handled, or null
   */
  record Received(
      String messageId,
      Map<String, String> headers,
      byte[] body,
      String publishedTopics,
      String refusal) {}
}
