package io.shop.catalog.model;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import java.math.BigDecimal;

/** An admin's change to a product; absent fields stay as they are, at least one must be present. */
public record ProductUpdate(
        @DecimalMin(value = "0.01", message = "must be at least 0.01")
        @DecimalMax(value = "1000000", message = "must be at most 1000000")
        @Digits(integer = 7, fraction = 2, message = "must have at most 2 decimals") BigDecimal price,
        Boolean featured,
        Boolean active) {

    public boolean isEmpty() {
        return price == null && featured == null && active == null;
    }
}
