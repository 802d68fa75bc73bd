package dev.pump.spring.tests.shop;

import dev.pump.core.MessageName;

/** The shop's messages. */
public final class Messages {
  private Messages() {}

  /** An order was placed; the shop's own endpoint ships it. */
  public record OrderPlaced(String orderId, long total) {}

  /** A command routed by its wire name in the pump.endpoints.shop.routes property. */
  @MessageName("shop.ChargeCard")
  public record ChargeCard(String orderId, long total) {}
}
