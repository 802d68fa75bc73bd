package dev.pump.examples.shop;

import dev.pump.core.MessageName;

/**
 * Reply from billing to orders (to the event's reply-to queue): the card was charged.
 *
 * @param orderId the order
 * @param amountCents what was charged
 */
@MessageName("shop.ChargeCompleted")
public record ChargeCompleted(String orderId, long amountCents) {}
