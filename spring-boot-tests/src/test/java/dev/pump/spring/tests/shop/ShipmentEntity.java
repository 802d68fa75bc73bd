package dev.pump.spring.tests.shop;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A shipment, written through JPA by the handler of OrderPlaced. */
@Entity
@Table(name = "shipment")
public class ShipmentEntity {
  @Id private String orderId;

  /** For JPA. */
  protected ShipmentEntity() {}

  /** A shipment of an order. */
  public ShipmentEntity(String orderId) {
    this.orderId = orderId;
  }

  /** The order shipped. */
  public String getOrderId() {
    return orderId;
  }
}
