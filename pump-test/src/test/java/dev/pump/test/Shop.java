package dev.pump.test;

/** The messages of the kit's own tests. */
final class Shop {
  private Shop() {}

  record PlaceOrder(String orderId, long amountCents) {}

  record OrderPlaced(String orderId, long amountCents) {}

  record ChargeCard(String orderId, long amountCents) {}

  record ChargeCompleted(String orderId) {}

  record Remind(String orderId) {}
}
