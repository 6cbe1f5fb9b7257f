package io.shop.catalog.model;

import java.time.OffsetDateTime;

/**
 * A customer's review of a product; {@code body} is the customer's text, stored and returned as it was written
 * (it is data: clients escape it for their medium). Verified: the customer had bought the product when writing it.
 */
public record Review(long id, long userId, int rating, String body, boolean verified, OffsetDateTime createdAt) {
}
