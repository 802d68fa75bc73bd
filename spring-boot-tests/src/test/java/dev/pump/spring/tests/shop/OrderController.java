package dev.pump.spring.tests.shop;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Places orders over HTTP. */
@RestController
public class OrderController {
  private final OrderService orders;

  OrderController(OrderService orders) {
    this.orders = orders;
  }

  /** Places an order of {@code total}. */
  @PostMapping("/orders/{id}/{total}")
  public String place(@PathVariable String id, @PathVariable long total) {
    orders.place(id, total, false);
    return id;
  }
}
