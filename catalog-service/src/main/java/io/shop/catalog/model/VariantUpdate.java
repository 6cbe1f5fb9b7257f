package io.shop.catalog.model;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** An admin's change to a variant; absent fields stay as they are, at least one must be present. Stock: restock. */
public record VariantUpdate(
        @Size(min = 1, max = CatalogText.SKU_MAX, message = "must be 1 to 64 characters")
        @Pattern(regexp = CatalogText.SKU, message = CatalogText.SKU_MESSAGE) String sku,
        @Size(max = CatalogText.ATTRIBUTE_MAX, message = "must be at most 50 characters") String size,
        @Size(max = CatalogText.ATTRIBUTE_MAX, message = "must be at most 50 characters") String color) {

    public boolean isEmpty() {
        return sku == null && size == null && color == null;
    }
}
