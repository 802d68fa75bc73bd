package dev.pump.examples.shop;

import dev.pump.core.MessageName;

/**
 * Command to the orders endpoint: a customer placed an order. Sent with the order id as its message
 * id, so a client that retries its request sends a duplicate the inbox recognises.
 *
 * @param orderId the order
 * @param customer who ordered
 * @param city where it ships
 * @param amountCents what it costs
 */
@MessageName("shop.PlaceOrder")
public record PlaceOrder(String orderId, String customer, String city, long amountCents) {}
