package dev.pump.spring.tests.shop;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An order, written through JPA. */
@Entity
@Table(name = "orders")
public class OrderEntity {
  @Id private String id;
  private long total;

  /** For JPA. */
  protected OrderEntity() {}

  /** An order. */
  public OrderEntity(String id, long total) {
    this.id = id;
    this.total = total;
  }

  /** The order's id. */
  public String getId() {
    return id;
  }

  /** The order's total. */
  public long getTotal() {
    return total;
  }
}
