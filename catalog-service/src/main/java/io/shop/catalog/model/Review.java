package io.shop.catalog.model;

import java.time.OffsetDateTime;

/** A customer's review of a product. */
public record Review(long id, long userId, int rating, String body, OffsetDateTime createdAt) {
}
