package dev.pump.examples.guide;

import dev.pump.core.EndpointBuilder;
import dev.pump.examples.guide.GuideMessages.OrderPriced;
import dev.pump.examples.guide.GuideMessages.PriceOrder;
import dev.pump.jdbc.JdbcContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** I/O-bound work: call it directly; the virtual thread parks while it waits. */
public final class IoBoundHandlers {
  private IoBoundHandlers() {}

  /** Registers a handler that calls a web service and writes the answer to the database. */
  public static EndpointBuilder register(EndpointBuilder builder, HttpClient http) {
    // docs:io-bound
    return builder.handler(
        PriceOrder.class,
        (order, context) -> {
          HttpRequest request =
              HttpRequest.newBuilder(
                      URI.create("https://pricing.example/orders/" + order.orderId()))
                  .timeout(Duration.ofSeconds(5))
                  .build();
          // blocking is fine: the virtual thread unmounts while the response is on its way
          String total = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
          JdbcContext.handle(context)
              .execute(
                  "UPDATE orders SET total = ? WHERE id = ?",
                  Long.parseLong(total),
                  order.orderId());
          context.publish(new OrderPriced(order.orderId(), Long.parseLong(total)));
        });
    // docs:end
  }
}
