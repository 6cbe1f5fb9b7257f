package io.shop.common.events;

/** The types of order events on {@link Topics#ORDER_EVENTS} (the outbox's {@code type} column), for producers and consumers. */
public final class OrderEventTypes {

    public static final String ORDER_PLACED = "OrderPlaced";
    public static final String ORDER_CANCELLED = "OrderCancelled";
    public static final String ORDER_SHIPPED = "OrderShipped";

    private OrderEventTypes() {
    }
}
