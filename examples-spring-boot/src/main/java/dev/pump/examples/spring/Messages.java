package dev.pump.examples.spring;

/** The shop's messages: plain records, JSON on the wire. */
final class Messages {
  private Messages() {}

  /** An order was stored; billing charges it and shipping ships it. */
  record OrderPlaced(String orderId, String customer, long amountCents) {}

  /** Billing charged an order; the orders endpoint marks it paid. */
  record ChargeCompleted(String orderId, long amountCents) {}
}
