package io.shop.catalog.model;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * An admin's change to a category; absent fields stay as they are, at least one must be present. A new name shows
 * on every page and list of the category's products, so it bumps each of their versions.
 */
public record CategoryUpdate(
        @Size(min = 1, max = CatalogText.NAME_MAX, message = "must be 1 to 200 characters")
        @Pattern(regexp = CatalogText.NAME, message = CatalogText.NAME_MESSAGE) String name,
        @Size(min = 1, max = CatalogText.SLUG_MAX, message = "must be 1 to 100 characters")
        @Pattern(regexp = CatalogText.SLUG, message = CatalogText.SLUG_MESSAGE) String slug) {

    public boolean isEmpty() {
        return name == null && slug == null;
    }
}
