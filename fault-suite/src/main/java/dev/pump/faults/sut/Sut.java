package dev.pump.faults.sut;

import dev.pump.core.Endpoint;
import dev.pump.core.EndpointBuilder;
import dev.pump.core.recoverability.Recoverability;
import dev.pump.core.spi.Transport;
import dev.pump.core.spi.pipeline.Middleware;
import dev.pump.faults.report.Books;
import dev.pump.faults.sut.Messages.ChargeOrder;
import dev.pump.faults.sut.Messages.OrderPlaced;
import dev.pump.faults.sut.Messages.PlaceOrder;
import dev.pump.jdbc.JdbcContext;
import dev.pump.jdbc.JdbcStorage;
import dev.pump.jdbc.OutboxDispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The system under test: three endpoints and the outbox dispatcher, built on one storage and
 * transport. {@code orders} takes {@link PlaceOrder}, writes its business row, sends {@link
 * ChargeOrder} to {@code billing} and publishes {@link OrderPlaced}, to which {@code shipping}
 * subscribes; {@code billing} and {@code shipping} write their own business rows. Every business
 * row is keyed by (endpoint, incoming message id), which is what {@link Books} checks.
 */
public final class Sut {
  /** The endpoints' names, which are also their input queues. */
  public static final List<String> ENDPOINTS = List.of("orders", "billing", "shipping");

  /** The error queue of every endpoint. */
  public static final String ERROR_QUEUE = "error";

  /** The note of a {@link PlaceOrder} that halts the process handling it. */
  public static final String PROCESS_KILLER = "halt-the-process";

  /** Deliveries after which a message is parked without running its handlers. */
  public static final int MAX_DELIVERIES = 10;

  private Sut() {}

  /** The retries every endpoint of the system under test uses: short, so runs stay short. */
  public static Recoverability recoverability(String prefix) {
    return Recoverability.builder()
        .immediateRetries(10)
        .delayedRetries(3)
        .delayedRetryIncrement(Duration.ofSeconds(1))
        .maxDeliveries(MAX_DELIVERIES)
        .unrecoverable(IllegalArgumentException.class)
        .errorQueue(prefix + ERROR_QUEUE)
        .build();
  }

  /** Builds the endpoint named {@code role} (one of {@link #ENDPOINTS}), not started. */
  public static Endpoint endpoint(
      String role, JdbcStorage storage, Transport transport, CrashPlan crash) {
    return endpoint(role, "", storage, transport, crash);
  }

  /**
   * Builds the endpoint named {@code role}, its queues named {@code prefix + name} (on a shared
   * broker, so runs do not meet), not started.
   */
  public static Endpoint endpoint(
      String role, String prefix, JdbcStorage storage, Transport transport, CrashPlan crash) {
    long pid = ProcessHandle.current().pid();
    EndpointBuilder builder =
        Endpoint.builder()
            .name(role)
            .inputQueue(prefix + role)
            .transport(transport)
            .storage(storage)
            .concurrency(4)
            // what waits is handled in batches of up to four messages, one transaction each, so
            // the kills and crash points land inside batches as well as between them
            .messagesPerTransaction(4)
            .receiveBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
            .stopGrace(Duration.ofSeconds(5))
            .recoverability(recoverability(prefix))
            .middleware(p ->
                p.addBefore(
                    Middleware.DESERIALIZE,
                    "fault-crash-before-ack",
                    (context, next) -> {
                      next.proceed();
                      crash.reached(CrashPlan.Point.BEFORE_ACK);
                    }));
    return switch (role) {
      case "orders" ->
          builder
              .handler(
                  PlaceOrder.class,
                  (order, context) -> {
                    if (order.orderId() == null || order.orderId().isBlank()) {
                      throw new IllegalArgumentException("PlaceOrder without an orderId");
                    }
                    if (PROCESS_KILLER.equals(order.note())) {
                      // a message that kills whatever process handles it, every time
                      Runtime.getRuntime().halt(CrashPlan.EXIT_STATUS);
                    }
                    effect(context, role, order.orderId(), pid);
                    crash.reached(CrashPlan.Point.HANDLER);
                    context.send(prefix + "billing", new ChargeOrder(order.orderId()));
                    context.publish(new OrderPlaced(order.orderId()));
                  })
              .build();
      case "billing" ->
          builder
              .handler(
                  ChargeOrder.class,
                  (charge, context) -> effect(context, role, charge.orderId(), pid))
              .build();
      case "shipping" ->
          builder
              .handler(
                  OrderPlaced.class,
                  (placed, context) -> effect(context, role, placed.orderId(), pid))
              .build();
      default -> throw new IllegalArgumentException("no endpoint named " + role);
    };
  }

  /** The dispatcher of the system under test, with its faults. */
  public static OutboxDispatcher dispatcher(
      JdbcStorage storage, Transport transport, CrashPlan crash, Set<String> broken, int attempts) {
    return OutboxDispatcher.builder()
        .storage(storage)
        .transport(new FaultyTransport(transport, crash, broken))
        .pollInterval(Duration.ofMillis(500))
        .retryBackoff(Duration.ofMillis(200))
        .maxRetryBackoff(Duration.ofSeconds(2))
        .circuitBreakerPause(Duration.ofSeconds(2))
        .maxAttempts(attempts)
        .build();
  }

  /** The input sender: never started, it only lends routing and headers to the load generator. */
  public static Endpoint web(Transport transport) {
    return Endpoint.builder().name("web").transport(transport).build();
  }

  /** Starts subscribers before publishers, as the guide says. */
  public static List<Endpoint> startInOrder(List<Endpoint> endpoints) {
    List<Endpoint> started = new ArrayList<>();
    for (String name : List.of("shipping", "billing", "orders")) {
      for (Endpoint endpoint : endpoints) {
        if (endpoint.name().equals(name)) {
          endpoint.start();
          started.add(endpoint);
        }
      }
    }
    return started;
  }

  private static void effect(
      dev.pump.core.Context context, String endpoint, String orderId, long pid) {
    JdbcContext.handle(context)
        .execute(
            "INSERT INTO fault_effect (endpoint, message_id, order_id, pid) VALUES (?, ?, ?, ?)",
            endpoint,
            context.messageId(),
            orderId,
            pid);
  }
}
