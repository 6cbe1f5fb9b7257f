package io.shop.catalog.model;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A product page: the product, its variants with stock, its rating summary and its most recent reviews.
 *
 * @param version  the product's version this page was built from: every write to the product, its stock or its
 *                 reviews bumps it
 * @param degraded the optional parts that were left out because their query did not answer in time
 */
public record ProductDetail(
        long id,
        String name,
        String description,
        BigDecimal price,
        long categoryId,
        String categoryName,
        boolean featured,
        OffsetDateTime createdAt,
        long version,
        List<Variant> variants,
        RatingSummary rating,
        List<Review> recentReviews,
        List<String> degraded) {

    /** The product row alone, before the other legs of the fan-out are joined to it. */
    public record Core(long id, String name, String description, BigDecimal price, long categoryId,
                       String categoryName, boolean featured, OffsetDateTime createdAt, long version) {
    }

    public static ProductDetail of(Core core, long version, List<Variant> variants, RatingSummary rating,
                                   List<Review> reviews, List<String> degraded) {
        return new ProductDetail(core.id(), core.name(), core.description(), core.price(), core.categoryId(),
                core.categoryName(), core.featured(), core.createdAt(), version, variants, rating, reviews,
                degraded);
    }
}
