package io.shop.catalog.model;

/** A variant as admins see it after a write, with its stock and the version its product has now. */
public record AdminVariant(long id, long productId, String sku, String size, String color, int quantityAvailable,
                           long productVersion) {
}
