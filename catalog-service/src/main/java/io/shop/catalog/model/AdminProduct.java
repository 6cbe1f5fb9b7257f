package io.shop.catalog.model;

import java.math.BigDecimal;
import java.util.List;

/** A product as admins see it (active or not) after a write, with the version that write gave it. */
public record AdminProduct(long id, String name, String description, long categoryId, BigDecimal price,
                           boolean featured, boolean active, long version, List<AdminVariant> variants) {
}
