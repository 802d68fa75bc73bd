package dev.pump.faults.sut;

/** The messages of the system under test: an order comes in, is charged and shipped. */
public final class Messages {
  private Messages() {}

  /** The input: sent by the load generator to the {@code orders} queue. */
  public record PlaceOrder(String orderId, String note) {}

  /** Sent by {@code orders} to {@code billing}. */
  public record ChargeOrder(String orderId) {}

  /** Published by {@code orders}; {@code shipping} subscribes. */
  public record OrderPlaced(String orderId) {}
}
