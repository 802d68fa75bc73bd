package dev.pump.examples.shop;

/**
 * Reply from billing to orders (to the event's reply-to queue): the card was charged.
 *
 * @param orderId the order
 * @param amountCents what was charged
 */
public record ChargeCompleted(String orderId, long amountCents) {}
