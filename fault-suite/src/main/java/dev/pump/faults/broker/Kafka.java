package dev.pump.faults.broker;

import dev.pump.core.Headers;
import dev.pump.core.spi.QueueBrowser;
import dev.pump.core.spi.QueueBrowser.Decision;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.sut.Sut;
import dev.pump.kafka.KafkaTransport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * Kafka: each run's topics carry a prefix of their own, so runs on one broker do not mix; they stay
 * on the broker. The harness reads the error topic with the transport's {@link QueueBrowser}, and
 * since it cannot count what waits in a topic for a consumer group, a run has nothing in transit
 * once every repeated input's copies reached the {@code orders} inbox.
 *
 * @param bootstrapServers the broker's bootstrap servers, for the harness and the processes alike
 */
public record Kafka(String bootstrapServers) implements Broker {
  /** True when a broker answers at {@link #bootstrapServers()} within a few seconds. */
  public boolean answers() {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
      return !admin.describeCluster().nodes().get(15, TimeUnit.SECONDS).isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      return false;
    }
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public Optional<String> errorQueueFact() {
    return Optional.of("errorTopic");
  }

  @Override
  public Run begin(String tag) {
    String prefix = tag + Long.toString(System.nanoTime(), 36) + "-";
    KafkaTransport probe =
        KafkaTransport.builder()
            .bootstrapServers(bootstrapServers)
            .clientId("pump-faults-harness")
            .build();
    QueueBrowser browser = probe.browser().orElseThrow();
    return new Run() {
      @Override
      public String prefix() {
        return prefix;
      }

      @Override
      public List<String> processArguments() {
        return List.of("--kafka-bootstrap", bootstrapServers, "--queue-prefix", prefix);
      }

      @Override
      public boolean nothingInTransit(Harness harness) {
        return harness.repeatsNotYetAbsorbed() == 0;
      }

      @Override
      public long errorQueueDepth(Harness harness) throws InterruptedException {
        return browser.browse(prefix + Sut.ERROR_QUEUE, 1_000, m -> Decision.KEEP);
      }

      @Override
      public void recordForTheBooks(Harness harness) throws InterruptedException {
        browser.browse(
            prefix + Sut.ERROR_QUEUE,
            1_000,
            m -> {
              String reason = m.headers().get(Headers.FAILURE_REASON);
              harness.recordBrokerError(m.messageId(), String.valueOf(reason));
              return Decision.KEEP;
            });
        // the consumer groups' subscriptions: shipping subscribes to OrderPlaced
        harness.recordBrokerSubscription(prefix + "shipping");
      }

      @Override
      public void close() {
        probe.close();
      }
    };
  }
}
