package io.shop.catalog.model;

import java.util.List;

/** One page of search results; nextCursor is null on the last page. */
public record SearchPage(List<ProductSummary> items, String nextCursor) {
}
