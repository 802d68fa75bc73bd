package dev.pump.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.core.testing.TestMessages.Ping;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PipelineTest extends EndpointTestSupport {

  @Test
  void userMiddlewareRunsWhereItWasInsertedAroundTheBuiltInLinks() {
    List<String> trace = new CopyOnWriteArrayList<>();
    endpoint("x").build().withoutOutbox().send("traced", new Ping(1));

    start(
        endpoint("traced")
            .middleware(p ->
                p.addBefore(Middleware.DESERIALIZE, "outermost", link("outer", trace))
                    .addAfter(Middleware.DESERIALIZE, "after-deserialize", link("typed", trace))
                    .addBefore(Middleware.INVOKE_HANDLERS, "audit", link("audit", trace)))
            .handler(Ping.class, (ping, context) -> trace.add("handler")));

    await().until(() -> trace.size() == 7);
    assertThat(trace)
        .containsExactly(
            "outer:null",
            "typed:Ping",
            "audit:Ping",
            "handler",
            "audit done",
            "typed done",
            "outer done");
  }

  private static Middleware link(String name, List<String> trace) {
    return (context, next) -> {
      Object message = context.message();
      trace.add(name + ":" + (message == null ? "null" : message.getClass().getSimpleName()));
      next.proceed();
      trace.add(name + " done");
    };
  }

  @Test
  void theLinksAreListedInOrderWithTheBuiltInNames() {
    AtomicReference<List<String>> names = new AtomicReference<>();
    endpoint("names")
        .middleware(p ->
            names.set(
                p.addBefore(Middleware.INVOKE_HANDLERS, "audit", (c, n) -> n.proceed()).names()))
        .build();

    assertThat(names.get())
        .containsExactly("deserialize", "dispatch-outgoing", "audit", "invoke-handlers");
  }

  @Test
  void middlewareCanShortCircuitSoHandlersDoNotRunAndTheMessageCompletes() {
    AtomicInteger handled = new AtomicInteger();
    endpoint("x").build().withoutOutbox().send("filtered", new Ping(13));

    start(
        endpoint("filtered")
            .middleware(p ->
                p.addBefore(
                    Middleware.INVOKE_HANDLERS,
                    "skip-unlucky",
                    (context, next) -> {
                      if (!(context.message() instanceof Ping ping && ping.number() == 13)) {
                        next.proceed();
                      }
                    }))
            .handler(Ping.class, (ping, context) -> handled.incrementAndGet()));

    await().until(() -> memory.queueStats("filtered").total() == 0);
    assertThat(handled.get()).isZero();
    assertThat(memory.queueStats("error").total()).isZero();
  }

  @Test
  void middlewareObservesAndTranslatesHandlerExceptions() {
    AtomicReference<Throwable> observed = new AtomicReference<>();
    endpoint("x").build().withoutOutbox().send("observed", new Ping(1));

    start(
        endpoint("observed")
            .middleware(p ->
                p.addBefore(
                    Middleware.INVOKE_HANDLERS,
                    "translate",
                    (context, next) -> {
                      try {
                        next.proceed();
                      } catch (IllegalArgumentException e) {
                        observed.set(e);
                        throw new UnrecoverableMessageException("invalid order", e);
                      }
                    }))
            .recoverability(dev.pump.core.recoverability.Recoverability.defaults())
            .handler(
                Ping.class,
                (ping, context) -> {
                  throw new IllegalArgumentException("bad");
                }));

    await().until(() -> memory.queueStats("error").ready() == 1);
    assertThat(observed.get()).hasMessage("bad");
  }

  @Test
  void aReplacedBuiltInLinkTakesOverItsJob() {
    AtomicReference<Object> received = new AtomicReference<>();
    memory.send(
        "legacy",
        List.of(
            dev.pump.core.spi.OutgoingMessage.of(
                "legacy-1",
                java.util.Map.of(),
                "42".getBytes(java.nio.charset.StandardCharsets.UTF_8))));

    start(
        endpoint("legacy")
            .middleware(p ->
                p.replace(
                    Middleware.DESERIALIZE,
                    (context, next) -> {
                      String text =
                          new String(
                              context.incoming().body(), java.nio.charset.StandardCharsets.UTF_8);
                      context.setMessage(new Ping(Integer.parseInt(text)));
                      next.proceed();
                    }))
            .handler(Ping.class, (ping, context) -> received.set(ping)));

    await().until(() -> received.get() != null);
    assertThat(received.get()).isEqualTo(new Ping(42));
  }

  @Test
  void insertingNextToAnUnknownLinkFailsNamingTheExistingLinks() {
    assertThatThrownBy(() ->
            endpoint("bad")
                .middleware(p -> p.addBefore("inbox", "audit", (c, n) -> n.proceed()))
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("inbox")
        .hasMessageContaining("invoke-handlers");
  }

  @Test
  void twoLinksCannotShareAName() {
    assertThatThrownBy(() ->
            endpoint("bad")
                .middleware(
                    p -> p.addBefore(Middleware.INVOKE_HANDLERS, "deserialize", (c, n) -> {}))
                .build())
        .isInstanceOf(PumpConfigurationException.class)
        .hasMessageContaining("taken");
  }

  @Test
  void aStorageLinkInsideDispatchOutgoingCanTakeTheOutgoingMessagesIntoItsOutbox() {
    // the seam pump-outbox-jdbc uses: its outbox link drains the buffer inside the transaction,
    // so dispatch-outgoing, further out, finds nothing left to send
    List<dev.pump.core.spi.pipeline.PendingMessage> outbox = new CopyOnWriteArrayList<>();
    endpoint("x").build().withoutOutbox().send("stored", new Ping(1));

    start(
        endpoint("stored")
            .middleware(p ->
                p.addAfter(
                    Middleware.DISPATCH_OUTGOING,
                    "outbox",
                    (context, next) -> {
                      next.proceed();
                      outbox.addAll(context.outgoing().drain());
                    }))
            .handler(
                Ping.class,
                (ping, context) -> {
                  context.send("downstream", new Ping(2));
                  context.publish(new Ping(3));
                }));

    await().until(() -> memory.queueStats("stored").total() == 0);
    assertThat(outbox).hasSize(2);
    assertThat(outbox.getFirst().destination())
        .isEqualTo(dev.pump.core.spi.Destination.queue("downstream"));
    assertThat(outbox.get(1).destination())
        .isInstanceOf(dev.pump.core.spi.Destination.Topics.class);
    assertThat(transport.callsTo("downstream")).isEmpty();
  }
}
