package io.shop.catalog.model;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A variant to add to a product, with its opening stock (0 when absent). The SKU is unique across the catalog. */
public record NewVariant(
        @NotBlank(message = "is required") @Size(max = CatalogText.SKU_MAX, message = "must be at most 64 characters")
        @Pattern(regexp = CatalogText.SKU, message = CatalogText.SKU_MESSAGE) String sku,
        @Size(max = CatalogText.ATTRIBUTE_MAX, message = "must be at most 50 characters") String size,
        @Size(max = CatalogText.ATTRIBUTE_MAX, message = "must be at most 50 characters") String color,
        @Min(value = 0, message = "must be at least 0") @Max(value = 100000, message = "must be at most 100000") Long quantity) {

    public int openingStock() {
        return quantity == null ? 0 : quantity.intValue();
    }
}
