package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pump.core.memory.InMemoryTransport;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.TransportCapabilities;
import dev.pump.core.testing.RecordingTransport;
import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EndpointBuilderTest {
  private final InMemoryTransport transport = InMemoryTransport.create();

  @Test
  void buildNamesEveryMissingRequiredSettingAtOnce() {
    assertThatThrownBy(() -> Endpoint.builder().build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("endpoint.name must be set")
        .hasMessageContaining("endpoint.transport must be set");
  }

  @Test
  void buildNamesEachOutOfRangeSettingWithItsValue() {
    assertThatThrownBy(() ->
            Endpoint.builder()
                .name("orders")
                .transport(transport)
                .concurrency(0)
                .computeThreads(-1)
                .maxBatchBytes(10)
                .receiveWait(Duration.ZERO)
                .cancellationGrace(Duration.ofSeconds(-1))
                .receiveBackoff(Duration.ofSeconds(10), Duration.ofSeconds(1))
                .build())
        .hasMessageContaining("endpoint.concurrency must be between 1 and 10000, was 0")
        .hasMessageContaining("endpoint.computeThreads must be between 1 and 1024, was -1")
        .hasMessageContaining("endpoint.maxBatchBytes must be between 1024 and 67108864, was 10")
        .hasMessageContaining("endpoint.receiveWait must be between")
        .hasMessageContaining("endpoint.cancellationGrace must be positive, was PT-1S")
        .hasMessageContaining("endpoint.maxReceiveBackoff must not be shorter");
  }

  @Test
  void batchSettingsOutOfRangeAreNamedWithTheirValues() {
    assertThatThrownBy(() ->
            Endpoint.builder()
                .name("orders")
                .transport(transport)
                .messagesPerTransaction(0)
                .batchFillWait(Duration.ofSeconds(11))
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("endpoint.messagesPerTransaction must be between 1 and 60, was 0")
        .hasMessageContaining("endpoint.batchFillWait must be between PT0S and PT10S, was PT11S");
    assertThatThrownBy(() ->
            Endpoint.builder()
                .name("orders")
                .transport(transport)
                .messagesPerTransaction(61)
                .batchFillWait(Duration.ofMillis(-1))
                .build())
        .hasMessageContaining("endpoint.messagesPerTransaction must be between 1 and 60, was 61")
        .hasMessageContaining(
            "endpoint.batchFillWait must be between PT0S and PT10S, was PT-0.001S");
  }

  /** Jackson cannot build it: its only constructor's parameters have no names. */
  static class Unreadable {
    Unreadable(String a, int b) {}
  }

  @Test
  void aHandledTypeTheSerializerCannotConstructIsRefusedAtBuild() {
    assertThatThrownBy(() ->
            Endpoint.builder()
                .name("orders")
                .transport(transport)
                .handler(Unreadable.class, (message, context) -> {})
                .handler(Ping.class, (message, context) -> {})
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining(
            "endpoint.handler for "
                + Unreadable.class.getName()
                + ": JSON cannot construct "
                + Unreadable.class.getName())
        .hasMessageNotContaining(Ping.class.getName());
  }

  @Test
  void aSerializerSetToNullIsRefusedRatherThanReplacedByTheDefault() {
    assertThatThrownBy(
            () -> Endpoint.builder().name("orders").transport(transport).serializer(null).build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("endpoint.serializer must be set");
  }

  @Test
  void hostileNamesAreRefusedAtBuild() {
    assertThatThrownBy(() ->
            Endpoint.builder()
                .name("orders; drop")
                .inputQueue("in\"put")
                .transport(transport)
                .route(Ping.class, "pings'")
                .build())
        .hasMessageContaining("endpoint.name")
        .hasMessageContaining("orders; drop")
        .hasMessageContaining("endpoint.inputQueue")
        .hasMessageContaining("endpoint.route for " + Ping.class.getName())
        .hasMessageContaining("pings'");
  }

  @Test
  void aTypeCannotBeRoutedTwice() {
    assertThatThrownBy(() ->
            Endpoint.builder()
                .name("orders")
                .transport(transport)
                .route(Ping.class, "a")
                .route(Ping.class, "b")
                .build())
        .hasMessageContaining("set twice");
  }

  @Test
  void delayedRetriesNeedATransportWithDelayedDelivery() {
    Transport noDelays =
        new RecordingTransport(transport)
            .claiming(new TransportCapabilities(false, false, false, 1024));

    assertThatThrownBy(() ->
            Endpoint.builder()
                .name("orders")
                .transport(noDelays)
                .handler(Ping.class, (ping, context) -> {})
                .build())
        .hasMessageContaining("delayed retries")
        .hasMessageContaining("delayedRetries(0)");
    assertThat(
            Endpoint.builder()
                .name("orders")
                .transport(noDelays)
                .recoverability(Recoverability.builder().delayedRetries(0).build())
                .build()
                .state())
        .isEqualTo(Endpoint.State.CREATED);
  }

  @Test
  void theInputQueueDefaultsToTheEndpointName() {
    Endpoint endpoint = Endpoint.builder().name("billing").transport(transport).build();

    assertThat(endpoint.inputQueue()).isEqualTo("billing");
    assertThat(endpoint.failedMessages().errorQueue()).isEqualTo("error");
  }

  @Test
  void theDefaultsAreTheDocumentedConstants() {
    assertThat(EndpointBuilder.DEFAULT_CONCURRENCY)
        .isEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
    assertThat(EndpointBuilder.DEFAULT_MAX_BATCH_BYTES).isEqualTo(256 * 1024);
  }

  @Test
  void changingTheBuilderAfterBuildDoesNotChangeTheEndpoint() {
    EndpointBuilder builder = Endpoint.builder().name("frozen").transport(transport);
    Endpoint endpoint = builder.build();

    builder.name("changed").inputQueue("elsewhere");

    assertThat(endpoint.name()).isEqualTo("frozen");
    assertThat(endpoint.inputQueue()).isEqualTo("frozen");
  }

  @Test
  void sendOptionsRefuseABadMessageIdAndANegativeDelay() {
    assertThatThrownBy(() ->
            SendOptions.builder().messageId("id with spaces").delay(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("sendOptions.messageId")
        .hasMessageContaining("sendOptions.delay must be zero or positive, was PT-1S");
  }

  @Test
  void aHandlerForObjectOrAnotherJdkTypeIsRefusedAtBuild() {
    assertThatThrownBy(() ->
            Endpoint.builder()
                .name("broad")
                .transport(transport)
                .handler(Object.class, (any, context) -> {})
                .handler(java.io.Serializable.class, (any, context) -> {})
                .handlerFactory(Record.class, () -> (any, context) -> {})
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("endpoint.handler must be for one of the application's own")
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("java.io.Serializable")
        .hasMessageContaining("endpoint.handlerFactory")
        .hasMessageContaining("java.lang.Record");
  }

  @Test
  void sendOptionsRefuseHeadersReservedToPump() {
    assertThatThrownBy(() ->
            SendOptions.builder()
                .header(Headers.DELAYED_RETRIES, "1000")
                .header(Headers.FAILED_QUEUE, "admin")
                .header("Pump.Correlation-Id", "spoofed")
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("sendOptions.headers must not set pump.retries.delayed")
        .hasMessageContaining("pump.failure.queue")
        .hasMessageContaining("Pump.Correlation-Id");
    assertThat(
            SendOptions.builder()
                .header("tenant", "acme")
                .correlationId("order-42")
                .build()
                .correlationId())
        .contains("order-42");
  }

  @Test
  void aNullStorageIsReportedByBuildLikeAnyOtherBadSetting() {
    assertThatThrownBy(
            () -> Endpoint.builder().name("orders").transport(transport).storage(null).build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("endpoint.storage must not be null");
  }
}
