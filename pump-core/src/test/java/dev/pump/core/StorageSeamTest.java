package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.internal.pump.ForwardingReceivedMessage;
import dev.pump.core.internal.shared.BufferedSender;
import dev.pump.core.internal.shared.Endpoints;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.Storage;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.spi.pipeline.PendingMessage;
import dev.pump.core.spi.pipeline.PipelineBuilder;
import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The seams the storage module plugs into: links, delayed messages, atomic moves, the session. */
class StorageSeamTest extends EndpointTestSupport {

  /** A storage that records what reaches it instead of writing to a database. */
  static class RecordingStorage implements Storage {
    final List<PendingMessage> outbox = new CopyOnWriteArrayList<>();
    final List<OutgoingMessage> scheduled = new CopyOnWriteArrayList<>();

    @Override
    public void install(PipelineBuilder pipeline) {
      pipeline.addBefore(
          Middleware.INVOKE_HANDLERS,
          "outbox",
          (context, next) -> {
            next.proceed();
            outbox.addAll(context.outgoing().drain());
          });
    }

    @Override
    public boolean holdsDelayedMessages() {
      return true;
    }

    @Override
    public void sendLater(String endpoint, String queue, OutgoingMessage message) {
      scheduled.add(message);
    }
  }

  private static final TransportCapabilities NO_DELAYS =
      new TransportCapabilities(false, false, true, 64L * 1024 * 1024);

  @Test
  void whatAHandlerSendsGoesToTheStorageInsteadOfTheTransport() {
    RecordingStorage storage = new RecordingStorage();
    endpoint("sender").build().withoutOutbox().send("stored", new Ping(1));

    start(
        endpoint("stored")
            .storage(storage)
            .handler(Ping.class, (ping, context) -> context.send("elsewhere", new Ping(2))));

    await().until(() -> storage.outbox.size() == 1);
    assertThat(storage.outbox.getFirst().destination()).isEqualTo(Destination.queue("elsewhere"));
    assertThat(transport.callsTo("elsewhere")).isEmpty();
  }

  @Test
  void aStorageThatHoldsDelayedMessagesAllowsDelaysOnATransportWithoutThem() {
    transport.claiming(NO_DELAYS);
    RecordingStorage storage = new RecordingStorage();
    endpoint("sender")
        .recoverability(Recoverability.noRetries())
        .build()
        .withoutOutbox()
        .send("delays", new Ping(1));
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger delayedSendsAccepted = new AtomicInteger();

    start(
        endpoint("delays")
            .storage(storage)
            .recoverability(Recoverability.builder().immediateRetries(0).delayedRetries(1).build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  attempts.incrementAndGet();
                  context.send(
                      "later",
                      new Ping(2),
                      SendOptions.builder().delay(Duration.ofMinutes(5)).build());
                  delayedSendsAccepted.incrementAndGet();
                  throw new IllegalStateException("fails the first time");
                }));

    await().until(() -> storage.scheduled.size() == 1);
    OutgoingMessage retry = storage.scheduled.getFirst();
    assertThat(retry.delay()).isPositive();
    assertThat(retry.headers()).containsEntry(Headers.DELAYED_RETRIES, "1");
    await().until(() -> memory.queueStats("delays").total() == 0);
    assertThat(attempts.get()).isEqualTo(1);
    assertThat(delayedSendsAccepted.get()).isEqualTo(1);
  }

  @Test
  void aStorageThatForgetsHandledMessagesBeforeTheLastRetryIsRefusedAtBuild() {
    RecordingStorage forgetful =
        new RecordingStorage() {
          @Override
          public void checkRetryHorizon(String endpoint, Duration retryHorizon) {
            throw new PumpConfigurationException(
                "endpoint " + endpoint + " retries for " + retryHorizon + ", too long");
          }
        };

    assertThatThrownBy(() ->
            endpoint("forgetful")
                .storage(forgetful)
                .recoverability(Recoverability.defaults())
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("endpoint forgetful retries for PT1M, too long");
  }

  @Test
  void theRetryHorizonIsTheSumOfTheDelayedRoundsEachCappedAtTheMaximumDelay() {
    assertThat(Recoverability.defaults().retryHorizon())
        .isEqualTo(Duration.ofSeconds(10 + 20 + 30));
    assertThat(
            Recoverability.builder()
                .delayedRetries(3)
                .delayedRetryIncrement(Duration.ofHours(10))
                .maxDelay(Duration.ofHours(24))
                .build()
                .retryHorizon())
        .isEqualTo(Duration.ofHours(10 + 20 + 24));
    assertThat(Recoverability.noRetries().retryHorizon()).isZero();
  }

  @Test
  void aSendOnlyEndpointNeedsNoDelayedDeliveryForRetriesItNeverMakes() {
    transport.claiming(NO_DELAYS);

    Endpoint web = endpoint("web").recoverability(Recoverability.defaults()).build();

    assertThat(Endpoints.bufferedSender(web)).isNotNull();
  }

  @Test
  void withoutStorageATransportWithoutDelaysRefusesDelayedRetries() {
    transport.claiming(NO_DELAYS);

    assertThatThrownBy(() ->
            endpoint("nodelays")
                .recoverability(Recoverability.builder().delayedRetries(1).build())
                .handler(Ping.class, (ping, context) -> {})
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("endpoint.recoverability has delayed retries");
  }

  @Test
  void aTransportThatMovesAtomicallyTakesTheErrorQueueCopyInsteadOfASeparateSend() {
    List<String> atomicMoves = new CopyOnWriteArrayList<>();
    transport.onReceived(received ->
        new ForwardingReceivedMessage(received) {
          @Override
          public boolean completeAndSend(String queue, OutgoingMessage copy) {
            atomicMoves.add(queue + ":" + copy.messageId());
            received.complete();
            return true;
          }
        });
    endpoint("sender").build().withoutOutbox().send("poisoned", new Ping(1));

    start(
        endpoint("poisoned")
            .handler(
                Ping.class,
                (ping, context) -> {
                  throw new IllegalStateException("poison");
                }));

    await().until(() -> atomicMoves.size() == 1);
    assertThat(atomicMoves.getFirst()).startsWith("error:");
    assertThat(transport.callsTo("error")).isEmpty();
  }

  @Test
  void aBufferedSenderKeepsRoutedSerializedMessagesUntilDrainedAndSendsNothing() {
    Endpoint web = endpoint("web").route(Ping.class, "pings").build();

    BufferedSender session = Endpoints.bufferedSender(web);
    session.send(new Ping(1));
    session.publish(new Ping(2));

    List<PendingMessage> drained = session.outgoing().drain();
    assertThat(drained).hasSize(2);
    assertThat(drained.get(0).destination()).isEqualTo(Destination.queue("pings"));
    assertThat(drained.get(1).destination()).isInstanceOf(Destination.Topics.class);
    assertThat(drained.get(0).message().headers())
        .containsKeys(Headers.MESSAGE_ID, Headers.ENCLOSED_TYPES, Headers.CONTENT_TYPE);
    assertThat(session.outgoing().size()).isZero();
    assertThat(transport.calls()).isEmpty();
  }
}
