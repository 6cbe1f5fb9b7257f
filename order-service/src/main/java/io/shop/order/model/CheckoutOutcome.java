package io.shop.order.model;

/** How a checkout ended: the order placed, or refused for want of stock (nothing written but the key's record). */
public enum CheckoutOutcome {
    PLACED,
    OUT_OF_STOCK
}
