package dev.pump.examples.spring;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders}: 201 placed, 200 placed before (a retry), 422 over the credit limit. */
@RestController
class OrderController {
  private final OrderService service;

  OrderController(OrderService service) {
    this.service = service;
  }

  /** An order as clients post it. */
  record PlaceOrder(String orderId, String customer, long amountCents) {}

  @PostMapping("/orders")
  ResponseEntity<String> place(@RequestBody PlaceOrder order) {
    if (order.orderId() == null || order.orderId().isBlank() || order.amountCents() <= 0) {
      return ResponseEntity.badRequest().body("an order needs an orderId and a positive amount");
    }
    try {
      boolean placed = service.place(order.orderId(), order.customer(), order.amountCents());
      return placed
          ? ResponseEntity.status(HttpStatus.CREATED).body("placed")
          : ResponseEntity.ok("placed before");
    } catch (DataIntegrityViolationException overLimit) {
      return ResponseEntity.unprocessableEntity().body("over the customer's credit limit");
    }
  }
}
