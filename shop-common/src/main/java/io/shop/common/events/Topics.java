package io.shop.common.events;

import java.util.Map;

/** Kafka topics of the suite, named by owner and subject, and which outbox aggregate type goes to which. */
public final class Topics {

    /** Every change to a product page (price, flags, stock, rating), keyed by product id, from any service. */
    public static final String PRODUCT_CHANGED = "catalog.product-changed";
    /** Order lifecycle events (OrderPlaced, OrderCancelled, OrderShipped), keyed by order id. */
    public static final String ORDER_EVENTS = "orders.order-events";
    /** The invalidator's L1 evictions and progress, read by every catalog instance. */
    public static final String CACHE_EVICTIONS = "cache.evictions";
    /** Product events the invalidator could not apply, with the reason in a header. */
    public static final String PRODUCT_CHANGED_DLQ = "catalog.product-changed.dlq";
    /** Outbox rows of an aggregate type no topic is configured for: published, so they cannot block the relay. */
    public static final String UNROUTED = "outbox.unrouted";

    public static final String AGGREGATE_PRODUCT = "product";
    public static final String AGGREGATE_ORDER = "order";

    private static final Map<String, String> BY_AGGREGATE = Map.of(
            AGGREGATE_PRODUCT, PRODUCT_CHANGED,
            AGGREGATE_ORDER, ORDER_EVENTS);

    private Topics() {
    }

    /** The topic of an outbox row; {@link #UNROUTED} for an unknown aggregate type. */
    public static String forAggregate(String aggregateType) {
        return BY_AGGREGATE.getOrDefault(aggregateType, UNROUTED);
    }
}
