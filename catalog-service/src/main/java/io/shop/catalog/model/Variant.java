package io.shop.catalog.model;

/** A sellable variant of a product (size, colour) and how many units can be sold now. */
public record Variant(long id, String sku, String size, String color, int quantityAvailable) {
}
