package io.shop.catalog.model;

import io.shop.catalog.model.constraints.Sku;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** A variant to add to a product, with its opening stock (0 when absent). The SKU is unique across the catalog. */
public record NewVariant(
        @NotNull(message = "is required") @Sku String sku,
        @Size(max = ATTRIBUTE_MAX, message = "must be at most " + ATTRIBUTE_MAX + " characters") String size,
        @Size(max = ATTRIBUTE_MAX, message = "must be at most " + ATTRIBUTE_MAX + " characters") String color,
        @Min(value = 0, message = "must be at least 0") @Max(value = 100000, message = "must be at most 100000") Long quantity) {

    /** Size and colour, here and in VariantUpdate. */
    public static final int ATTRIBUTE_MAX = 50;

    public int openingStock() {
        return quantity == null ? 0 : quantity.intValue();
    }
}
