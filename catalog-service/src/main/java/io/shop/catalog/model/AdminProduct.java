package io.shop.catalog.model;

import java.math.BigDecimal;

/** A product's state after an admin write, with the version that write gave it. */
public record AdminProduct(long id, BigDecimal price, boolean featured, boolean active, long version) {
}
