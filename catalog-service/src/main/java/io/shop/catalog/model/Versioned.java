package io.shop.catalog.model;

/** A value read together with the version of the product it belongs to, as that read's snapshot saw it. */
public record Versioned<T>(long version, T value) {
}
