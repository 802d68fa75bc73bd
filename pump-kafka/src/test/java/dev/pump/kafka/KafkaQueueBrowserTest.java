package dev.pump.kafka;

import static dev.pump.kafka.KafkaTestSupport.committed;
import static dev.pump.kafka.KafkaTestSupport.message;
import static dev.pump.kafka.KafkaTestSupport.queueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.QueueBrowser;
import dev.pump.core.spi.QueueBrowser.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A browse shows a queue's records without taking them, and removes only those taken: their queue's
 * consumer group passes them, so every later browse, from any process, passes them too.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaQueueBrowserTest {
  private KafkaTransport transport;
  private QueueBrowser browser;
  private String queue;

  @BeforeEach
  void fill() {
    transport = KafkaTestSupport.transport().partitions(1).build();
    browser = transport.browser().orElseThrow();
    queue = queueName("errors");
    transport.createQueue(queue);
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(message("e-" + i, "body " + i));
    }
    transport.send(queue, batch);
  }

  @AfterEach
  void close() {
    transport.close();
  }

  @Test
  void aBrowseShowsEveryMessageInOrderAndLeavesThemAll() throws Exception {
    assertThat(ids(browser, 100, Set.of())).containsExactly("e-0", "e-1", "e-2", "e-3", "e-4");
    assertThat(ids(browser, 100, Set.of())).containsExactly("e-0", "e-1", "e-2", "e-3", "e-4");
    assertThat(ids(browser, 2, Set.of())).containsExactly("e-0", "e-1");
  }

  @Test
  void takenMessagesAreGoneForEveryLaterBrowseAndTheRestStay() throws Exception {
    assertThat(ids(browser, 100, Set.of("e-0", "e-2"))).hasSize(5);

    assertThat(ids(browser, 100, Set.of())).containsExactly("e-1", "e-3", "e-4");
    try (Admin admin = KafkaBroker.admin()) {
      OffsetAndMetadata offset = committed(admin, queue, transport.topicOf(queue)).get(0);
      assertThat(offset.offset()).isEqualTo(1);
      assertThat(offset.metadata()).isEqualTo("pump:taken=2");
    }
    try (KafkaTransport another = KafkaTestSupport.transport().build()) {
      QueueBrowser elsewhere = another.browser().orElseThrow();
      assertThat(ids(elsewhere, 100, Set.of("e-1"))).containsExactly("e-1", "e-3", "e-4");
    }
    assertThat(ids(browser, 100, Set.of())).containsExactly("e-3", "e-4");
  }

  @Test
  void stopEndsTheBrowseAndAVisitorsFailureKeepsWhatItDidNotTake() throws Exception {
    List<String> seen = new ArrayList<>();
    int shown =
        browser.browse(
            queue,
            100,
            m -> {
              seen.add(m.messageId());
              return Decision.STOP;
            });
    assertThat(shown).isEqualTo(1);
    assertThat(seen).containsExactly("e-0");

    assertThatThrownBy(() ->
            browser.browse(
                queue,
                100,
                m -> {
                  if (m.messageId().equals("e-1")) {
                    throw new IllegalStateException("visitor failed");
                  }
                  return Decision.TAKE;
                }))
        .hasMessage("visitor failed");
    assertThat(ids(browser, 100, Set.of())).containsExactly("e-1", "e-2", "e-3", "e-4");
  }

  @Test
  void aQueueWithoutATopicHasNothingToShow() throws Exception {
    assertThat(browser.browse(queueName("never-created"), 10, m -> Decision.KEEP)).isZero();
  }

  private List<String> ids(QueueBrowser browser, int max, Set<String> take)
      throws InterruptedException {
    List<String> ids = new ArrayList<>();
    browser.browse(
        queue,
        max,
        m -> {
          ids.add(m.messageId());
          assertThat(m.enqueuedAt()).isNotNull();
          return take.contains(m.messageId()) ? Decision.TAKE : Decision.KEEP;
        });
    return ids;
  }
}
