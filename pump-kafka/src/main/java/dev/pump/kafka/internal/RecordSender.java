package dev.pump.kafka.internal;

import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Sends batches of records with the transport's one idempotent producer, opened on first use: the
 * metadata of each topic of a batch first (one wait of at most the send timeout, however many
 * records), then every record handed to the producer, then one wait for all of them, so a batch
 * costs about one round trip. The producer gives up a record at its delivery timeout with its
 * reason; a whole call takes at most that and a second (a batch whose metadata came late may fail
 * on that bound while the producer still holds it). Thread-safe: Kafka's producer is, and batches
 * of several threads share its requests.
 */
final class RecordSender implements AutoCloseable {
  private static final Duration EXPIRY_GRACE = Duration.ofSeconds(1);

  private final KafkaSettings settings;
  private final ClientFactory clients;
  private final Duration longestWait;
  private volatile KafkaProducer<byte[], byte[]> producer;
  private volatile boolean closed;

  RecordSender(KafkaSettings settings, ClientFactory clients) {
    this.settings = settings;
    this.clients = clients;
    this.longestWait = clients.deliveryTimeout().plus(EXPIRY_GRACE);
  }

  /**
   * Sends {@code batch} and waits until the broker acknowledged every record of it.
   *
   * @throws TransportUnavailableException if Kafka did not answer in time or failed in a way it
   *     calls retriable (no leader, the batch expired, the broker unreachable)
   * @throws TransportException naming {@code operation} for any other failure
   */
  void send(List<ProducerRecord<byte[], byte[]>> batch, String operation) {
    // one bound for the whole call, metadata included: the transport declares it
    long deadline = System.nanoTime() + longestWait.toNanos();
    KafkaProducer<byte[], byte[]> sending = producer(operation);
    List<Future<RecordMetadata>> acknowledgements = new ArrayList<>(batch.size());
    try {
      Set<String> topics = new LinkedHashSet<>();
      batch.forEach(record -> topics.add(record.topic()));
      for (String topic : topics) {
        // at most max.block.ms (the send timeout) once, instead of once per record
        sending.partitionsFor(topic);
      }
      for (ProducerRecord<byte[], byte[]> record : batch) {
        acknowledgements.add(sending.send(record));
      }
    } catch (KafkaException e) {
      throw failure(operation, e);
    }
    for (Future<RecordMetadata> acknowledgement : acknowledgements) {
      try {
        acknowledgement.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransportException(
            "interrupted while waiting for Kafka to acknowledge " + operation, e);
      } catch (ExecutionException e) {
        throw failure(operation, e.getCause());
      } catch (TimeoutException e) {
        throw new TransportUnavailableException(
            "cannot "
                + operation
                + ": Kafka at "
                + settings.bootstrapServers()
                + " did not acknowledge the batch within "
                + longestWait,
            e);
      }
    }
  }

  /** The longest a {@link #send} takes: the producer's delivery timeout and a second. */
  Duration longestSend() {
    return longestWait;
  }

  // the broker unreachable, no leader, the batch expired: nothing wrong with the messages
  private TransportException failure(String operation, Throwable cause) {
    String message = "cannot " + operation + ": " + cause.getMessage();
    return cause instanceof RetriableException
        ? new TransportUnavailableException(message, cause)
        : new TransportException(message, cause);
  }

  private KafkaProducer<byte[], byte[]> producer(String operation) {
    KafkaProducer<byte[], byte[]> current = producer;
    if (current == null) {
      synchronized (this) {
        if (closed) {
          throw new TransportException("the Kafka transport is closed");
        }
        current = producer;
        if (current == null) {
          try {
            current = clients.producer();
          } catch (KafkaException e) {
            throw new TransportException(
                "cannot " + operation + ": Kafka's producer did not start: " + e.getMessage(), e);
          }
          producer = current;
        }
      }
    }
    return current;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
