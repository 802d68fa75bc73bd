package dev.pump.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link QueueBrowser} keeps: a browse shows the waiting messages from the head,
 * whole, and loses none; only what the visitor takes leaves the queue. A transport that offers a
 * browser proves it by subclassing this suite (it ships in pump-core's test-jar) and supplying
 * {@link #createTransport()}. Each test checks the queue afterwards by receiving from it.
 */
public abstract class QueueBrowserContractTest {
  private static final Duration NOTHING_MORE = Duration.ofMillis(300);

  /** The transport under test, fresh for each test. */
  protected Transport transport;

  private QueueBrowser browser;
  private String queue;

  /** For subclasses. */
  protected QueueBrowserContractTest() {}

  /** Creates the transport under test; called before each test. */
  protected abstract Transport createTransport();

  /** Returns a queue name no other test uses. */
  protected String newQueueName() {
    return "browse-" + UUID.randomUUID();
  }

  /**
   * Whether the messages a browse keeps stay in their order ({@link QueueBrowser} lets a transport
   * say otherwise); when not, repeated browses are checked as sets.
   */
  protected boolean keepsOrder() {
    return true;
  }

  /**
   * Whether a receive skips what a browse took from the middle of the queue. A log (Kafka) records
   * such takes where browses see them but its consumers do not: its error queues are browsed, not
   * received; then only browses are checked.
   */
  protected boolean receiversSkipTaken() {
    return true;
  }

  /**
   * Whether a browse shows messages a receiver holds unsettled. A log (Kafka) shows everything
   * after the committed position, what a consumer holds included; nothing is lost either way.
   */
  protected boolean showsMessagesInFlight() {
    return false;
  }

  /** How long a receive may wait for a message a browse gave back. */
  protected Duration deliveryTimeout() {
    return Duration.ofSeconds(10);
  }

  @BeforeEach
  final void createTransportAndBrowser() {
    transport = createTransport();
    transport.start();
    browser = transport.browser().orElseThrow();
  }

  @AfterEach
  final void closeTransport() {
    if (transport != null) {
      transport.close();
    }
  }

  @Test
  void aBrowseShowsEveryWaitingMessageWholeFromTheHeadAndLosesNone() throws Exception {
    send(5);
    List<QueueBrowser.BrowsedMessage> seen = new ArrayList<>();

    int shown = browser.browse(queue(), 100, m -> keep(seen, m));

    assertThat(shown).isEqualTo(5);
    assertThat(seen)
        .extracting(QueueBrowser.BrowsedMessage::messageId)
        .containsExactly("m-0", "m-1", "m-2", "m-3", "m-4");
    assertThat(seen)
        .extracting(QueueBrowser.BrowsedMessage::position)
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    QueueBrowser.BrowsedMessage third = seen.get(2);
    assertThat(third.headers()).containsEntry("test.header", "value-m-2");
    assertThat(new String(third.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
    assertThat(third.deliveryCount()).isPositive();
    assertThat(receiveAll()).containsExactlyInAnyOrder("m-0", "m-1", "m-2", "m-3", "m-4");
  }

  @Test
  void onlyTheMessagesTheVisitorTakesLeaveTheQueue() throws Exception {
    send(5);

    browser.browse(
        queue(),
        100,
        m ->
            m.messageId().equals("m-1") || m.messageId().equals("m-3")
                ? QueueBrowser.Decision.TAKE
                : QueueBrowser.Decision.KEEP);
    List<QueueBrowser.BrowsedMessage> after = new ArrayList<>();
    browser.browse(queue(), 100, m -> keep(after, m));

    assertThat(after)
        .extracting(QueueBrowser.BrowsedMessage::messageId)
        .containsExactlyInAnyOrder("m-0", "m-2", "m-4");
    if (receiversSkipTaken()) {
      assertThat(receiveAll()).containsExactlyInAnyOrder("m-0", "m-2", "m-4");
    }
  }

  @Test
  void manyBrowsesInARowKeepEveryMessageAndItsOrder() throws Exception {
    send(4);

    for (int round = 0; round < 6; round++) {
      List<QueueBrowser.BrowsedMessage> seen = new ArrayList<>();
      browser.browse(queue(), 100, m -> keep(seen, m));
      List<String> ids = seen.stream().map(QueueBrowser.BrowsedMessage::messageId).toList();
      if (keepsOrder()) {
        assertThat(ids).as("round %d", round).containsExactly("m-0", "m-1", "m-2", "m-3");
      } else {
        assertThat(ids).as("round %d", round).containsExactlyInAnyOrder("m-0", "m-1", "m-2", "m-3");
      }
    }

    assertThat(receiveAll()).containsExactlyInAnyOrder("m-0", "m-1", "m-2", "m-3");
  }

  @Test
  void maxBoundsWhatIsShownAndStopEndsTheBrowse() throws Exception {
    send(5);
    List<QueueBrowser.BrowsedMessage> bounded = new ArrayList<>();
    List<QueueBrowser.BrowsedMessage> stopped = new ArrayList<>();

    int shownBounded = browser.browse(queue(), 2, m -> keep(bounded, m));
    int shownStopped =
        browser.browse(
            queue(),
            100,
            m -> {
              stopped.add(m);
              return stopped.size() == 3 ? QueueBrowser.Decision.STOP : QueueBrowser.Decision.KEEP;
            });

    assertThat(shownBounded).isEqualTo(2);
    assertThat(bounded).hasSize(2);
    assertThat(shownStopped).isEqualTo(3);
    assertThat(stopped).hasSize(3);
    if (keepsOrder()) {
      assertThat(bounded)
          .extracting(QueueBrowser.BrowsedMessage::messageId)
          .containsExactly("m-0", "m-1");
      assertThat(stopped)
          .extracting(QueueBrowser.BrowsedMessage::messageId)
          .containsExactly("m-0", "m-1", "m-2");
    }
    assertThat(receiveAll()).containsExactlyInAnyOrder("m-0", "m-1", "m-2", "m-3", "m-4");
  }

  @Test
  void aVisitorThatFailsLosesNothingItDidNotTake() throws Exception {
    send(5);
    IllegalStateException boom = new IllegalStateException("visitor failed");

    assertThatThrownBy(() ->
            browser.browse(
                queue(),
                100,
                m -> {
                  if (m.messageId().equals("m-2")) {
                    throw boom;
                  }
                  return m.messageId().equals("m-0")
                      ? QueueBrowser.Decision.TAKE
                      : QueueBrowser.Decision.KEEP;
                }))
        .isSameAs(boom);

    assertThat(receiveAll()).containsExactlyInAnyOrder("m-1", "m-2", "m-3", "m-4");
  }

  @Test
  void aMessageBeingHandledIsNotShownNorDisturbed() throws Exception {
    send(3);
    ReceivedMessage held = transport.receive(queue(), deliveryTimeout()).orElseThrow();
    List<QueueBrowser.BrowsedMessage> seen = new ArrayList<>();

    browser.browse(queue(), 100, m -> keep(seen, m));
    held.complete();

    // a prefetching transport may hold the others for its receiver too: they need not be shown
    if (!showsMessagesInFlight()) {
      assertThat(seen)
          .extracting(QueueBrowser.BrowsedMessage::messageId)
          .doesNotContain(held.messageId())
          .isSubsetOf("m-0", "m-1", "m-2");
    }
    List<String> rest = receiveAll();
    assertThat(rest).hasSize(2).doesNotContain(held.messageId());
  }

  @Test
  void anEmptyQueueShowsNothing() throws Exception {
    List<QueueBrowser.BrowsedMessage> seen = new ArrayList<>();

    assertThat(browser.browse(queue(), 100, m -> keep(seen, m))).isZero();
    assertThat(seen).isEmpty();
  }

  /** The test's queue, created on first use (after every {@code @BeforeEach} of a subclass). */
  private String queue() {
    if (queue == null) {
      queue = newQueueName();
      transport.createQueue(queue);
    }
    return queue;
  }

  private void send(int n) {
    for (int i = 0; i < n; i++) {
      String id = "m-" + i;
      transport.send(
          queue(),
          List.of(
              OutgoingMessage.of(
                  id,
                  Map.of("pump.message-id", id, "test.header", "value-" + id),
                  ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))));
    }
  }

  private static QueueBrowser.Decision keep(
      List<QueueBrowser.BrowsedMessage> seen, QueueBrowser.BrowsedMessage message) {
    seen.add(message);
    return QueueBrowser.Decision.KEEP;
  }

  /** Receives and completes every message in the queue, until none comes for a moment. */
  private List<String> receiveAll() throws InterruptedException {
    List<String> ids = new ArrayList<>();
    Duration wait = deliveryTimeout();
    while (true) {
      Optional<ReceivedMessage> received = transport.receive(queue(), wait);
      if (received.isEmpty()) {
        return ids;
      }
      ids.add(received.get().messageId());
      received.get().complete();
      wait = NOTHING_MORE;
    }
  }
}
