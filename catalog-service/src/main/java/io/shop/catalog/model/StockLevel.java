package io.shop.catalog.model;

/** A variant's stock after a restock, and the version its product has now. */
public record StockLevel(long productId, long variantId, int quantityAvailable, long productVersion) {
}
