package io.shop.catalog.model;

/** A product category; parentId is null for a top-level category. */
public record Category(long id, String name, String slug, Long parentId) {
}
