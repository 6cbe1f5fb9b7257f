package io.shop.catalog.model;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;

/**
 * An admin's change to a product; absent fields stay as they are, at least one must be present. "active": false
 * deactivates the product (its page answers 404, lists drop it); orders already placed keep their lines.
 */
public record ProductUpdate(
        @Size(min = 1, max = CatalogText.NAME_MAX, message = "must be 1 to 200 characters")
        @Pattern(regexp = CatalogText.NAME, message = CatalogText.NAME_MESSAGE) String name,
        @Size(max = CatalogText.DESCRIPTION_MAX, message = "must be at most 5000 characters") String description,
        @Positive(message = "must be a category id") Long categoryId,
        @DecimalMin(value = "0.01", message = "must be at least 0.01")
        @DecimalMax(value = "1000000", message = "must be at most 1000000")
        @Digits(integer = 7, fraction = 2, message = "must have at most 2 decimals") BigDecimal price,
        Boolean featured,
        Boolean active) {

    public boolean isEmpty() {
        return name == null && description == null && categoryId == null && price == null && featured == null
                && active == null;
    }
}
