package dev.pump.kafka.internal;

import dev.pump.core.spi.TransportException;
import dev.pump.core.spi.TransportUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Sends batches of records with the transport's one idempotent producer, opened on first use: every
 * record of a batch handed to the producer, then one wait for all of them, so a batch costs about
 * one round trip. Thread-safe: Kafka's producer is, and batches of several threads share its
 * requests.
 */
final class RecordSender implements AutoCloseable {
  // the producer expires a batch after sendTimeout with its own reason; this wait only ends one
  // whose expiry never comes
  private static final Duration EXPIRY_GRACE = Duration.ofSeconds(5);

  private final KafkaSettings settings;
  private final ClientFactory clients;
  private volatile KafkaProducer<byte[], byte[]> producer;
  private volatile boolean closed;

  RecordSender(KafkaSettings settings, ClientFactory clients) {
    this.settings = settings;
    this.clients = clients;
  }

  /**
   * Sends {@code batch} and waits until the broker acknowledged every record of it.
   *
   * @throws TransportException naming {@code operation} if any record was not acknowledged in time
   */
  void send(List<ProducerRecord<byte[], byte[]>> batch, String operation) {
    KafkaProducer<byte[], byte[]> sending = producer();
    List<Future<RecordMetadata>> acknowledgements = new ArrayList<>(batch.size());
    try {
      for (ProducerRecord<byte[], byte[]> record : batch) {
        acknowledgements.add(sending.send(record));
      }
    } catch (RuntimeException e) {
      throw new TransportException("cannot " + operation + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + settings.sendTimeout().plus(EXPIRY_GRACE).toNanos();
    for (Future<RecordMetadata> acknowledgement : acknowledgements) {
      try {
        acknowledgement.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransportException(
            "interrupted while waiting for Kafka to acknowledge " + operation, e);
      } catch (ExecutionException e) {
        String message = "cannot " + operation + ": " + e.getCause().getMessage();
        if (e.getCause() instanceof RetriableException) {
          // the broker unreachable or the partition without a leader: nothing wrong with the batch
          throw new TransportUnavailableException(message, e.getCause());
        }
        throw new TransportException(message, e.getCause());
      } catch (TimeoutException e) {
        throw new TransportUnavailableException(
            "cannot "
                + operation
                + ": Kafka at "
                + settings.bootstrapServers()
                + " did not acknowledge the batch within "
                + settings.sendTimeout().plus(EXPIRY_GRACE),
            e);
      }
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    KafkaProducer<byte[], byte[]> current = producer;
    if (current == null) {
      synchronized (this) {
        if (closed) {
          throw new TransportException("the Kafka transport is closed");
        }
        current = producer;
        if (current == null) {
          current = clients.producer();
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
