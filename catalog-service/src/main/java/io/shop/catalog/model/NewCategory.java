package io.shop.catalog.model;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** A category to create; parentId, when given, must name an existing category. */
public record NewCategory(
        @NotNull(message = "is required") @Size(max = CatalogText.NAME_MAX, message = "must be at most 200 characters")
        @Pattern(regexp = CatalogText.NAME, message = CatalogText.NAME_MESSAGE) String name,
        @NotBlank(message = "is required") @Size(max = CatalogText.SLUG_MAX, message = "must be at most 100 characters")
        @Pattern(regexp = CatalogText.SLUG, message = CatalogText.SLUG_MESSAGE) String slug,
        @Positive(message = "must be a category id") Long parentId) {
}
