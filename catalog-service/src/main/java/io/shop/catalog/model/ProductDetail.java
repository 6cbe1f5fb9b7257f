package io.shop.catalog.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
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

    /**
     * A tombstone: the cached answer "no active product with this id" at the version the product row had (0 for
     * no row). Cached under the same version rules as a page, so activating or creating the product evicts it.
     */
    public static ProductDetail notFound(long id, long version) {
        return new ProductDetail(id, null, null, null, 0, null, false, null, version, List.of(), null, List.of(),
                List.of());
    }

    /** Whether this is a tombstone: every product has a name (NOT NULL). */
    @JsonIgnore
    public boolean isNotFound() {
        return name == null;
    }

    public static ProductDetail of(Core core, long version, List<Variant> variants, RatingSummary rating,
                                   List<Review> reviews, List<String> degraded) {
        return new ProductDetail(core.id(), core.name(), core.description(), core.price(), core.categoryId(),
                core.categoryName(), core.featured(), core.createdAt(), version, variants, rating, reviews,
                degraded);
    }
}
