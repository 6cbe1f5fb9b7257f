package io.shop.catalog.model;

import io.shop.catalog.model.constraints.CatalogName;
import io.shop.catalog.model.constraints.Price;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;

/** A product to create, active and not featured unless said otherwise, with up to 50 variants. */
public record NewProduct(
        @NotNull(message = "is required") @CatalogName String name,
        @Size(max = DESCRIPTION_MAX, message = "must be at most " + DESCRIPTION_MAX + " characters") String description,
        @NotNull(message = "is required") @Positive(message = "must be a category id") Long categoryId,
        @NotNull(message = "is required") @Price BigDecimal price,
        Boolean featured,
        Boolean active,
        @Size(max = 50, message = "must have at most 50 variants") List<@Valid @NotNull(message = "must be a variant") NewVariant> variants) {

    /** Also the limit of a description changed later (ProductUpdate). */
    public static final int DESCRIPTION_MAX = 5000;

    public List<NewVariant> variantsOrNone() {
        return variants == null ? List.of() : variants;
    }
}
