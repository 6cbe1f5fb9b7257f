package io.shop.catalog.model;

import io.shop.catalog.model.constraints.CatalogName;
import io.shop.catalog.model.constraints.Slug;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/** A category to create; parentId, when given, must name an existing category. */
public record NewCategory(
        @NotNull(message = "is required") @CatalogName String name,
        @NotNull(message = "is required") @Slug String slug,
        @Positive(message = "must be a category id") Long parentId) {
}
