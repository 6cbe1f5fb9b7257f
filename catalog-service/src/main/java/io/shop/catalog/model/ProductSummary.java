package io.shop.catalog.model;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A product as listed on the homepage and in search results. */
public record ProductSummary(
        long id,
        String name,
        BigDecimal price,
        long categoryId,
        String categoryName,
        boolean inStock,
        RatingSummary rating,
        OffsetDateTime createdAt) {
}
