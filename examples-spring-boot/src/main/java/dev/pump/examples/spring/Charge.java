package dev.pump.examples.spring;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A charge, written by billing's handler through JPA in the message's transaction. */
@Entity
class Charge {
  @Id private String orderId;
  private long amountCents;

  protected Charge() {}

  Charge(String orderId, long amountCents) {
    this.orderId = orderId;
    this.amountCents = amountCents;
  }
}
