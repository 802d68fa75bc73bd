package dev.pump.core.testing;

/** Message types shared by the tests. */
public final class TestMessages {
  private TestMessages() {}

  /** A command. */
  public record PlaceOrder(String orderId) {}

  /** An event interface: subscribers to it receive every implementation. */
  public interface OrderEvent {
    String orderId();
  }

  /** An event. */
  public record OrderPlaced(String orderId) implements OrderEvent {}

  /** Another event of the same family. */
  public record OrderCancelled(String orderId) implements OrderEvent {}

  /** A plain numbered message. */
  public record Ping(int number) {}

  /** A message nobody handles. */
  public record Orphan(String text) {}
}
