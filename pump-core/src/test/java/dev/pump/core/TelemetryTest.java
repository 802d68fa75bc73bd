package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Destination;
import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.pipeline.IncomingMessage;
import dev.pump.core.spi.telemetry.ProcessObservation;
import dev.pump.core.spi.telemetry.ProcessOutcome;
import dev.pump.core.spi.telemetry.SendObservation;
import dev.pump.core.spi.telemetry.Telemetry;
import dev.pump.core.testing.TestMessages.Ping;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TelemetryTest extends EndpointTestSupport {

  /** Writes down every event, as "kind detail". */
  static final class Recording implements Telemetry {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();

    @Override
    public void endpointBuilt(Endpoint endpoint) {
      endpoints.add(endpoint);
    }

    @Override
    public void received(
        String endpoint,
        String system,
        String queue,
        int messages,
        Duration took,
        Throwable failure) {
      if (messages > 0) {
        events.add("received " + endpoint + " " + system + " " + queue + " " + messages);
      }
    }

    @Override
    public ProcessObservation processing(String endpoint, String system, IncomingMessage message) {
      events.add("processing " + endpoint + " " + message.queue());
      return new ProcessObservation() {
        @Override
        public void retrying(Throwable failure) {
          events.add("retrying " + failure.getMessage());
        }

        @Override
        public void ended(ProcessOutcome outcome, Throwable failure) {
          events.add("ended " + outcome + (failure == null ? "" : " " + failure.getMessage()));
        }
      };
    }

    @Override
    public void created(
        String endpoint, String system, Destination destination, Map<String, String> headers) {
      events.add("created " + endpoint + " " + system + " " + destination);
      headers.put("x-traced", "by-telemetry");
    }

    @Override
    public SendObservation sending(
        String system, Destination destination, List<OutgoingMessage> batch) {
      events.add("sending " + destination + " " + batch.size());
      return failure -> events.add("sent " + destination + (failure == null ? "" : " failed"));
    }
  }

  @Test
  void reportsEachReceiveProcessingCreationAndSendOfAHandledMessage() {
    Recording telemetry = new Recording();
    List<String> tracedHeader = new CopyOnWriteArrayList<>();
    start(
        endpoint("traced")
            .telemetry(telemetry)
            .route(Ping.class, "downstream")
            .handler(
                Ping.class,
                (ping, context) -> {
                  if (ping.number() == 1) {
                    context.send(new Ping(2));
                  }
                }));
    start(
        endpoint("downstream")
            .handler(
                Ping.class,
                (ping, context) -> tracedHeader.add(context.headers().get("x-traced"))));
    assertThat(telemetry.endpoints).extracting(Endpoint::name).containsExactly("traced");

    endpoint("client").build().withoutOutbox().send("traced", new Ping(1));

    await().until(() -> tracedHeader.size() == 1);
    assertThat(tracedHeader).containsExactly("by-telemetry");
    await()
        .untilAsserted(() ->
            assertThat(telemetry.events)
                .containsExactly(
                    "received traced pump_memory traced 1",
                    "processing traced traced",
                    "created traced pump_memory queue downstream",
                    "sending queue downstream 1",
                    "sent queue downstream",
                    "ended HANDLED"));
  }

  @Test
  void reportsImmediateRetriesAndTheErrorQueue() {
    Recording telemetry = new Recording();
    start(
        endpoint("failing")
            .telemetry(telemetry)
            .recoverability(Recoverability.builder().immediateRetries(2).delayedRetries(0).build())
            .handler(
                Ping.class,
                (ping, context) -> {
                  throw new IllegalStateException("boom " + ping.number());
                }));

    endpoint("client").build().withoutOutbox().send("failing", new Ping(7));

    await().until(() -> telemetry.events.stream().anyMatch(e -> e.startsWith("ended")));
    assertThat(telemetry.events)
        .containsExactly(
            "received failing pump_memory failing 1",
            "processing failing failing",
            "retrying boom 7",
            "retrying boom 7",
            "ended ERROR_QUEUE boom 7");
  }

  @Test
  void aTelemetryThatThrowsNeverFailsAMessage() {
    AtomicInteger handled = new AtomicInteger();
    Telemetry broken =
        new Telemetry() {
          @Override
          public ProcessObservation processing(
              String endpoint, String system, IncomingMessage message) {
            throw new IllegalStateException("exporter down");
          }

          @Override
          public void created(
              String endpoint,
              String system,
              Destination destination,
              Map<String, String> headers) {
            throw new IllegalStateException("exporter down");
          }
        };
    Recording after = new Recording();
    start(
        endpoint("robust")
            .telemetry(broken)
            .telemetry(after)
            .route(Ping.class, "robust")
            .handler(
                Ping.class,
                (ping, context) -> {
                  if (handled.incrementAndGet() == 1) {
                    context.send(new Ping(2));
                  }
                }));

    endpoint("client").build().withoutOutbox().send("robust", new Ping(1));

    await().until(() -> handled.get() == 2);
    // the second telemetry still sees everything the first one failed on
    await()
        .untilAsserted(() ->
            assertThat(after.events)
                .filteredOn(e -> e.startsWith("ended"))
                .containsExactly("ended HANDLED", "ended HANDLED"));
    assertThat(after.events).contains("created robust pump_memory queue robust");
  }
}
