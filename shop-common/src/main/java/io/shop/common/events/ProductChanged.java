package io.shop.common.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.common.json.JsonText;
import io.shop.common.outbox.OutboxEvent;

/**
 * Payload of every event on {@link Topics#PRODUCT_CHANGED}; the event's version is the product's version.
 *
 * @param change         what changed: "price", "flags", "stock", "rating"
 * @param listingChanged whether what lists show changed (name, price, active, featured, in stock or not): only
 *                       then are cached search results and the featured page invalidated
 * @param featured       whether the product is or was featured: only then can the featured page change
 */
public record ProductChanged(long productId, String change, boolean listingChanged, boolean featured) {

    public static final String TYPE = "ProductChanged";

    /** This change as the outbox row that carries it, at the product's {@code version} after the change. */
    public OutboxEvent toOutbox(ObjectMapper json, long version) {
        return OutboxEvent.of(Topics.AGGREGATE_PRODUCT, productId, TYPE, version, JsonText.write(json, this));
    }
}
