package io.shop.catalog.rest;

import io.shop.catalog.config.CatalogConfig;
import io.shop.catalog.model.ProductDetail;
import io.shop.catalog.model.ProductSummary;
import io.shop.catalog.model.SearchCriteria;
import io.shop.catalog.model.SearchPage;
import io.shop.catalog.model.SearchSort;
import io.shop.catalog.service.ProductService;
import io.shop.common.pagination.Cursor;
import io.shop.common.rest.ParamReader;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST resource for products: the homepage's featured list, search and the product page. */
@Path("/products")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "products")
public class ProductResource {

    static final BigDecimal MAX_PRICE = new BigDecimal("1000000");

    private final ProductService service;
    private final CatalogConfig config;

    public ProductResource(ProductService service, CatalogConfig config) {
        this.service = service;
        this.config = config;
    }

    @GET
    @Path("/featured")
    @Operation(summary = "Featured products for the homepage, newest first")
    public Uni<List<ProductSummary>> getFeaturedProducts(
            @Parameter(description = "How many products (1 to catalog.featured.max-limit)") @QueryParam("limit") String limit) {
        ParamReader params = new ParamReader();
        int size = params.intInRange("limit", limit, config.featured().defaultLimit(), 1, config.featured().maxLimit());
        params.throwIfInvalid();
        return service.findFeaturedProducts(size);
    }

    @GET
    @Operation(summary = "Search active products",
            description = "Words of name and description (full text) and substrings of the name (3+ characters), "
                    + "filtered by category, price range and stock; keyset-paginated: pass nextCursor back as cursor.")
    public Uni<SearchPage> searchProducts(
            @Parameter(description = "Free text, at most catalog.search.max-query-length characters") @QueryParam("q") String q,
            @Parameter(description = "Category id") @QueryParam("category") String category,
            @Parameter(description = "Lowest price, inclusive") @QueryParam("minPrice") String minPrice,
            @Parameter(description = "Highest price, inclusive") @QueryParam("maxPrice") String maxPrice,
            @Parameter(description = "true: only products with a variant in stock") @QueryParam("inStock") String inStock,
            @Parameter(description = "relevance (default with q), newest (default without), price_asc, price_desc")
            @QueryParam("sort") String sort,
            @Parameter(description = "Page size, 1 to catalog.search.max-page-size") @QueryParam("limit") String limit,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        ParamReader params = new ParamReader();
        String query = params.optionalText("q", q, config.search().maxQueryLength());
        Long categoryId = params.optionalLong("category", category, 1, Long.MAX_VALUE);
        BigDecimal min = params.optionalDecimal("minPrice", minPrice, BigDecimal.ZERO, MAX_PRICE);
        BigDecimal max = params.optionalDecimal("maxPrice", maxPrice, BigDecimal.ZERO, MAX_PRICE);
        if (min != null && max != null && min.compareTo(max) > 0) {
            params.reject("minPrice", "must not be greater than maxPrice");
        }
        Boolean inStockOnly = params.optionalBoolean("inStock", inStock);
        boolean hasQuery = query != null || params.isRejected("q");
        SearchSort order = params.oneOf("sort", sort, SearchSort.BY_NAME, hasQuery ? SearchSort.RELEVANCE : SearchSort.NEWEST);
        if (order == SearchSort.RELEVANCE && !hasQuery) {
            params.reject("sort", "relevance needs a query (q)");
        }
        int pageSize = params.intInRange("limit", limit, config.search().defaultPageSize(), 1, config.search().maxPageSize());
        params.throwIfInvalid();

        Cursor after = Cursor.decode(cursor, order.apiName());
        return service.searchProducts(new SearchCriteria(query, categoryId, min, max,
                Boolean.TRUE.equals(inStockOnly), order, pageSize, after == null ? null : sortKey(order, after),
                after == null ? null : after.id()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A product with its variants and stock, rating summary and most recent reviews")
    public Uni<ProductDetail> getProduct(@Parameter(description = "Product id") @PathParam("id") String id) {
        ParamReader params = new ParamReader();
        long productId = params.id("id", id);
        params.throwIfInvalid();
        return service.findProductDetail(productId);
    }

    /** A cursor's key is text; the SQL compares it as the sort column's own type. */
    private static Object sortKey(SearchSort sort, Cursor after) {
        return switch (sort) {
            case RELEVANCE -> after.key(Float::valueOf);
            case NEWEST -> after.key(OffsetDateTime::parse);
            case PRICE_ASC, PRICE_DESC -> after.key(BigDecimal::new);
        };
    }
}
