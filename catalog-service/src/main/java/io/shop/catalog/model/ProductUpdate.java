package io.shop.catalog.model;

import io.shop.catalog.model.constraints.CatalogName;
import io.shop.catalog.model.constraints.Price;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;

/**
 * An admin's change to a product; absent fields stay as they are, at least one must be present. "active": false
 * deactivates the product (its page answers 404, lists drop it); orders already placed keep their lines.
 */
public record ProductUpdate(
        @CatalogName String name,
        @Size(max = NewProduct.DESCRIPTION_MAX, message = "must be at most " + NewProduct.DESCRIPTION_MAX + " characters")
        String description,
        @Positive(message = "must be a category id") Long categoryId,
        @Price BigDecimal price,
        Boolean featured,
        Boolean active) {

    public boolean isEmpty() {
        return name == null && description == null && categoryId == null && price == null && featured == null
                && active == null;
    }
}
