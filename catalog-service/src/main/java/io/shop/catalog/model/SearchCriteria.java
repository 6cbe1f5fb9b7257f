package io.shop.catalog.model;

import java.math.BigDecimal;

/**
 * A validated product search.
 *
 * @param query       free text matched against words of name and description, and as a substring of the name
 * @param afterKey    keyset position: the sort key of the last row of the previous page (typed per sort)
 * @param afterId     keyset position: the id of the last row of the previous page
 */
public record SearchCriteria(
        String query,
        Long categoryId,
        BigDecimal minPrice,
        BigDecimal maxPrice,
        boolean inStockOnly,
        SearchSort sort,
        int pageSize,
        Object afterKey,
        Long afterId) {
}
