package io.shop.catalog.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** The maintained review summary of a product: how many reviews, and their average rounded to 2 places. */
public record RatingSummary(int count, BigDecimal average) {

    public static final RatingSummary NONE = new RatingSummary(0, null);

    public static RatingSummary of(int count, long sum) {
        if (count == 0) {
            return NONE;
        }
        return new RatingSummary(count, BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(count), 2, RoundingMode.HALF_UP));
    }
}
