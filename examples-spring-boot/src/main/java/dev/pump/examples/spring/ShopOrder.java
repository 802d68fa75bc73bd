package dev.pump.examples.spring;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An order, written by {@link OrderService} through JPA in the same transaction as its event. */
@Entity
@Table(name = "shop_order")
class ShopOrder {
  @Id private String id;
  private String customer;
  private long amountCents;
  private boolean paid;
  private Instant placedAt;

  protected ShopOrder() {}

  ShopOrder(String id, String customer, long amountCents, Instant placedAt) {
    this.id = id;
    this.customer = customer;
    this.amountCents = amountCents;
    this.placedAt = placedAt;
  }

  String id() {
    return id;
  }

  boolean paid() {
    return paid;
  }

  void markPaid() {
    this.paid = true;
  }
}
