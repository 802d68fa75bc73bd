package dev.pump.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.pump.core.Attributes;
import dev.pump.core.Handler;
import dev.pump.core.Headers;
import dev.pump.core.LogContext;
import dev.pump.core.PumpException;
import dev.pump.core.SendOptions;
import dev.pump.test.Shop.ChargeCard;
import dev.pump.test.Shop.ChargeCompleted;
import dev.pump.test.Shop.OrderPlaced;
import dev.pump.test.Shop.Remind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** A handler run with a {@link TestContext}: what it sent is recorded, what it reads is told. */
class TestContextTest {
  /** Charges the order, replies, publishes nothing, and sets a reminder a day later. */
  private final Handler<OrderPlaced> billing =
      (placed, context) -> {
        context.send(
            "payments",
            new ChargeCard(placed.orderId(), placed.amountCents()),
            SendOptions.builder().messageId("charge-" + placed.orderId()).build());
        context.reply(new ChargeCompleted(placed.orderId()));
        context.send(
            "billing", new Remind(placed.orderId()), SendOptions.delayedBy(Duration.ofHours(24)));
        context.publish(placed);
      };

  @Test
  void recordsWhatTheHandlerSentPublishedRepliedAndDeferredWithTheOptionsUsed() throws Exception {
    TestContext context = TestContext.builder().replyTo("orders").build();

    context.handle(billing, new OrderPlaced("o-1", 4200));

    assertThat(context.sent())
        .extracting(s -> s.kind(), s -> s.destination().orElse(null))
        .containsExactly(
            tuple(TestContext.Kind.SEND, "payments"),
            tuple(TestContext.Kind.REPLY, "orders"),
            tuple(TestContext.Kind.SEND, "billing"),
            tuple(TestContext.Kind.PUBLISH, null));
    assertThat(context.sent(ChargeCard.class)).containsExactly(new ChargeCard("o-1", 4200));
    assertThat(context.sent().getFirst().options().messageId()).contains("charge-o-1");
    assertThat(context.replies())
        .singleElement()
        .satisfies(r -> assertThat(r.message()).isEqualTo(new ChargeCompleted("o-1")));
    assertThat(context.published())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).isEqualTo(new OrderPlaced("o-1", 4200)));
    assertThat(context.deferred())
        .singleElement()
        .satisfies(d -> {
          assertThat(d.message()).isEqualTo(new Remind("o-1"));
          assertThat(d.options().delay()).isEqualTo(Duration.ofHours(24));
        });
  }

  @Test
  void reportsTheMessageIdHeadersEndpointAttemptAndAttributesItWasGiven() throws Exception {
    Attributes.Key<String> tenant = Attributes.Key.of("tenant", String.class);
    TestContext context =
        TestContext.builder()
            .messageId("m-7")
            .header("x-tenant", "acme")
            .endpointName("billing")
            .attempt(3)
            .delayedRetries(2)
            .attribute(tenant, "acme")
            .build();
    List<String> seen = new ArrayList<>();

    context.handle(
        (OrderPlaced placed, dev.pump.core.Context c) -> {
          seen.add(c.messageId());
          seen.add(c.headers().get("x-tenant"));
          seen.add(c.headers().get(Headers.DELAYED_RETRIES));
          seen.add(c.endpointName());
          seen.add(MDC.get(LogContext.ATTEMPT));
          seen.add(c.attributes().require(tenant));
        },
        new OrderPlaced("o-1", 1));

    assertThat(seen).containsExactly("m-7", "acme", "2", "billing", "3", "acme");
    assertThat(MDC.get(LogContext.ATTEMPT)).isNull();
  }

  @Test
  void aCancelledContextCancelsWaitsAndRunsCancelActions() throws Exception {
    TestContext cancelled = TestContext.builder().cancelled(true).build();
    assertThatThrownBy(() ->
            cancelled.handle(
                (OrderPlaced p, dev.pump.core.Context c) -> c.cancellation().throwIfCancelled(),
                new OrderPlaced("o-1", 1)))
        .isInstanceOf(CancellationException.class);

    TestContext context = TestContext.create();
    CompletableFuture<String> never = new CompletableFuture<>();
    List<String> actions = new ArrayList<>();
    context.cancellation().onCancel(() -> actions.add("cancelled"));
    Thread.ofVirtual().start(context::cancel);
    assertThatThrownBy(() -> context.await(never, Duration.ofSeconds(30)))
        .isInstanceOf(CancellationException.class);
    assertThat(never).isCancelled();
    assertThat(actions).containsExactly("cancelled");
  }

  @Test
  void refusesWhatThePumpRefuses() throws Exception {
    TestContext context = TestContext.create();
    context.handle((OrderPlaced p, dev.pump.core.Context c) -> {}, new OrderPlaced("o-1", 1));
    assertThatThrownBy(() -> context.send("billing", new Remind("o-1")))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining("returned");

    TestContext noReplyTo = TestContext.builder().replyTo(null).build();
    assertThatThrownBy(() -> noReplyTo.reply(new ChargeCompleted("o-1")))
        .isInstanceOf(PumpException.class)
        .hasMessageContaining(Headers.REPLY_TO);
  }
}
