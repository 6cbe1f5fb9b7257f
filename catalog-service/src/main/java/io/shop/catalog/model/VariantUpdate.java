package io.shop.catalog.model;

import io.shop.catalog.model.constraints.Sku;
import jakarta.validation.constraints.Size;

/** An admin's change to a variant; absent fields stay as they are, at least one must be present. Stock: restock. */
public record VariantUpdate(
        @Sku String sku,
        @Size(max = NewVariant.ATTRIBUTE_MAX, message = "must be at most " + NewVariant.ATTRIBUTE_MAX + " characters")
        String size,
        @Size(max = NewVariant.ATTRIBUTE_MAX, message = "must be at most " + NewVariant.ATTRIBUTE_MAX + " characters")
        String color) {

    public boolean isEmpty() {
        return sku == null && size == null && color == null;
    }
}
