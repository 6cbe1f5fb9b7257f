package io.shop.catalog.model;

import io.shop.catalog.model.constraints.CatalogName;
import io.shop.catalog.model.constraints.Slug;

/**
 * An admin's change to a category; absent fields stay as they are, at least one must be present. A new name shows
 * on every page and list of the category's products, so it bumps each of their versions.
 */
public record CategoryUpdate(@CatalogName String name, @Slug String slug) {

    public boolean isEmpty() {
        return name == null && slug == null;
    }
}
