package io.shop.catalog.repository;

import io.shop.catalog.model.ProductSummary;
import io.shop.catalog.model.RatingSummary;
import io.vertx.mutiny.sqlclient.Row;

/**
 * How a product listing (featured, search) is queried: first the page of products is chosen (filter, sort,
 * limit on catalog.products alone, through its indexes), then only that page is joined to its category and
 * maintained rating summary. Stock comes from products.in_stock_variants, so a listing never joins variants
 * or aggregates reviews: the seed's homepage query did both for every request.
 */
final class SummaryRows {

    /** The products columns the page query must select, aliased as the decoration expects. */
    static final String PAGE_COLUMNS = "p.id, p.name, p.base_price, p.category_id, p.in_stock_variants, p.created_at";

    private SummaryRows() {
    }

    /**
     * @param pageQuery  a SELECT of {@link #PAGE_COLUMNS} (plus any sort key) FROM catalog.products p, sorted and limited
     * @param outerOrder the same order, on the page's columns (alias p)
     */
    static String decoratePage(String pageQuery, String outerOrder) {
        return """
                SELECT p.*, c.name AS category_name, p.in_stock_variants > 0 AS in_stock,
                       coalesce(r.review_count, 0) AS review_count, coalesce(r.rating_sum, 0) AS rating_sum
                  FROM (%s) p
                  JOIN catalog.categories c ON c.id = p.category_id
                  LEFT JOIN catalog.product_ratings r ON r.product_id = p.id
                 ORDER BY %s
                """.formatted(pageQuery, outerOrder);
    }

    static ProductSummary toSummary(Row row) {
        return new ProductSummary(
                row.getLong("id"),
                row.getString("name"),
                row.getBigDecimal("base_price"),
                row.getLong("category_id"),
                row.getString("category_name"),
                row.getBoolean("in_stock"),
                RatingSummary.of(row.getInteger("review_count"), row.getLong("rating_sum")),
                row.getOffsetDateTime("created_at"));
    }
}
