package io.shop.catalog.model;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;

/** A product to create, active and not featured unless said otherwise, with up to 50 variants. */
public record NewProduct(
        @NotNull(message = "is required") @Size(max = CatalogText.NAME_MAX, message = "must be at most 200 characters")
        @Pattern(regexp = CatalogText.NAME, message = CatalogText.NAME_MESSAGE) String name,
        @Size(max = CatalogText.DESCRIPTION_MAX, message = "must be at most 5000 characters") String description,
        @NotNull(message = "is required") @Positive(message = "must be a category id") Long categoryId,
        @NotNull(message = "is required")
        @DecimalMin(value = "0.01", message = "must be at least 0.01")
        @DecimalMax(value = "1000000", message = "must be at most 1000000")
        @Digits(integer = 7, fraction = 2, message = "must have at most 2 decimals") BigDecimal price,
        Boolean featured,
        Boolean active,
        @Size(max = 50, message = "must have at most 50 variants") List<@Valid @NotNull(message = "must be a variant") NewVariant> variants) {

    public List<NewVariant> variantsOrNone() {
        return variants == null ? List.of() : variants;
    }
}
