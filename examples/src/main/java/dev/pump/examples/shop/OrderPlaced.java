package dev.pump.examples.shop;

import dev.pump.core.MessageName;

/**
 * Event published by orders once the order is stored; billing and shipping subscribe to it, and
 * orders does not know them.
 *
 * @param orderId the order
 * @param city where it ships
 * @param amountCents what to charge
 */
@MessageName("shop.OrderPlaced")
public record OrderPlaced(String orderId, String city, long amountCents) {}
