package dev.pump.examples.guide;

import dev.pump.core.EndpointBuilder;
import dev.pump.examples.guide.GuideMessages.OrderPriced;
import dev.pump.examples.guide.GuideMessages.PriceOrder;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Compute-bound work: short runs inline, long goes to the endpoint's compute pool. */
public final class ComputeBoundHandlers {
  private ComputeBoundHandlers() {}

  /** Short computation: inline, on the handler's virtual thread. */
  public static EndpointBuilder shortCompute(EndpointBuilder builder) {
    // docs:short-compute
    return builder.handler(
        PriceOrder.class,
        (order, context) -> {
          long total = order.items().size() * 1_000L; // microseconds of work: just do it
          context.publish(new OrderPriced(order.orderId(), total));
        });
    // docs:end
  }

  /** Long computation: on the bounded platform pool, so it cannot pin the carrier threads. */
  public static EndpointBuilder longCompute(EndpointBuilder builder) {
    // docs:long-compute
    return builder
        .computeThreads(4) // the pool long computations share; default: one per processor
        .handler(
            PriceOrder.class,
            (order, context) -> {
              long total = context.compute(() -> optimiseShipping(order.items()));
              context.publish(new OrderPriced(order.orderId(), total));
            });
    // docs:end
  }

  /** Two long computations at once: start both, then wait for both. */
  public static EndpointBuilder twoLongComputations(EndpointBuilder builder) {
    // docs:two-computations
    return builder.handler(
        PriceOrder.class,
        (order, context) -> {
          try (ExecutorService both = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Long> shipping =
                both.submit(() -> context.compute(() -> optimiseShipping(order.items())));
            Future<Long> tax = both.submit(() -> context.compute(() -> computeTax(order.items())));
            context.publish(new OrderPriced(order.orderId(), shipping.get() + tax.get()));
          }
        });
    // docs:end
  }

  static long optimiseShipping(List<String> items) {
    return items.stream().mapToLong(String::hashCode).map(Math::abs).sum() % 10_000;
  }

  static long computeTax(List<String> items) {
    return items.size() * 77L;
  }
}
