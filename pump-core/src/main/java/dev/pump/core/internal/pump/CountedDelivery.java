package dev.pump.core.internal.pump;

import dev.pump.core.spi.OutgoingMessage;
import dev.pump.core.spi.ReceivedMessage;
import java.util.function.Consumer;

/**
 * A received message with the delivery count {@link RedeliveryCounter} kept for it. Once it is
 * settled for good (completed, or moved atomically) the count is forgotten; an abandoned message
 * comes back and keeps it. Thread-safe as its delegate is.
 */
final class CountedDelivery extends ForwardingReceivedMessage {
  private final int deliveryCount;
  private final Consumer<String> forget;

  CountedDelivery(ReceivedMessage delegate, int deliveryCount, Consumer<String> forget) {
    super(delegate);
    this.deliveryCount = deliveryCount;
    this.forget = forget;
  }

  @Override
  public int deliveryCount() {
    return deliveryCount;
  }

  @Override
  public boolean completeAndSend(String queue, OutgoingMessage copy) {
    boolean done = super.completeAndSend(queue, copy);
    if (done) {
      forget.accept(messageId());
    }
    return done;
  }

  @Override
  public void complete() {
    super.complete();
    forget.accept(messageId());
  }

  @Override
  public String toString() {
    return super.toString() + " (delivery " + deliveryCount + " as counted by the storage)";
  }
}
