package io.shop.order.model;

/** Where an order is in its life; only PLACED and PAID orders can still be cancelled. */
public enum OrderStatus {
    PLACED, PAID, SHIPPED, DELIVERED, CANCELLED;

    public boolean isCancellable() {
        return this == PLACED || this == PAID;
    }
}
