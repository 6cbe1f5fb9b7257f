package io.shop.catalog.model;

import java.util.List;

/** One page of a product's reviews, newest first; {@code nextCursor} is null on the last page. */
public record ReviewPage(List<Review> items, String nextCursor) {
}
