package io.shop.catalog.service;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.catalog.cache.CacheName;
import io.shop.catalog.cache.TwoLevelCache;
import io.shop.catalog.config.CatalogConfig;
import io.shop.catalog.model.ProductDetail;
import io.shop.catalog.model.ProductSummary;
import io.shop.catalog.model.RatingSummary;
import io.shop.catalog.model.Review;
import io.shop.catalog.model.SearchCriteria;
import io.shop.catalog.model.SearchPage;
import io.shop.catalog.model.Variant;
import io.shop.catalog.model.Versioned;
import io.shop.catalog.repository.ProductRepository;
import io.shop.catalog.repository.ProductSearchRepository;
import io.shop.catalog.repository.ReviewRepository;
import io.shop.database.DatabaseErrors;
import io.shop.common.error.ProblemException;
import io.shop.common.pagination.Cursor;
import io.smallrye.mutiny.Uni;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Service class for the catalog read path: homepage, search and the product page, all through the two-level cache. */
@ApplicationScoped
public class ProductService {

    private static final Logger LOG = Logger.getLogger(ProductService.class);

    private final ProductRepository products;
    private final ProductSearchRepository search;
    private final ReviewRepository reviews;
    private final CatalogConfig config;
    private final TwoLevelCache cache;
    private final JavaType featuredType;
    private final JavaType searchType;

    public ProductService(ProductRepository products, ProductSearchRepository search, ReviewRepository reviews,
                          CatalogConfig config, TwoLevelCache cache, ObjectMapper json) {
        this.products = products;
        this.search = search;
        this.reviews = reviews;
        this.config = config;
        this.cache = cache;
        this.featuredType = json.getTypeFactory().constructCollectionType(List.class, ProductSummary.class);
        this.searchType = json.constructType(SearchPage.class);
    }

    /** Cache warming: the homepage's default page is in L2 before the first visitor asks (L1 fills on first read). */
    void warmHomepage(@Observes StartupEvent ignored) {
        findFeaturedProducts(config.featured().defaultLimit()).subscribe().with(
                page -> LOG.infof("homepage cache warmed: %d featured products", page.size()),
                failure -> LOG.warnf("homepage cache warming failed: %s", failure.getMessage()));
    }

    public Uni<List<ProductSummary>> findFeaturedProducts(int limit) {
        return cache.aggregate(CacheName.FEATURED, String.valueOf(limit), featuredType,
                () -> products.findFeatured(limit));
    }

    public Uni<SearchPage> searchProducts(SearchCriteria criteria) {
        return cache.aggregate(CacheName.SEARCH, cacheKey(criteria), searchType, () -> loadSearchPage(criteria));
    }

    /** Every field that changes the page, in a fixed order. */
    static String cacheKey(SearchCriteria c) {
        return "q=" + c.query() + "|cat=" + c.categoryId() + "|min=" + c.minPrice() + "|max=" + c.maxPrice()
                + "|stock=" + c.inStockOnly() + "|sort=" + c.sort().apiName() + "|n=" + c.pageSize()
                + "|after=" + c.afterKey() + "/" + c.afterId();
    }

    private Uni<SearchPage> loadSearchPage(SearchCriteria criteria) {
        return search.search(criteria).map(result -> {
            String next = null;
            if (result.hasMore()) {
                int last = result.items().size() - 1;
                next = new Cursor(criteria.sort().apiName(), String.valueOf(result.sortKeys().get(last)),
                        result.items().get(last).id()).encode();
            }
            return new SearchPage(result.items(), next);
        });
    }

    /** The product page; 404 for an unknown or inactive product (cached too, as a tombstone). */
    public Uni<ProductDetail> findProductDetail(long id) {
        return cache.product(id, () -> loadProductDetail(id)).map(page -> {
            if (page.isNotFound()) {
                throw ProblemException.notFound("No product with id " + id);
            }
            return page;
        });
    }

    /**
     * The product page, its four queries run in parallel. The product and its variants are required: if either
     * does not answer within the leg timeout the request fails fast with 503. The rating summary and recent
     * reviews are optional: a slow one is left out and named in {@code degraded}.
     *
     * <p>The legs run on different connections, so each may see a different committed state; each reads the
     * product's version in its own snapshot and the page carries the lowest. Every part of the page is then at
     * least as new as its version, which is what the cache's version checks rely on.
     */
    Uni<ProductDetail> loadProductDetail(long id) {
        Duration timeout = config.detail().legTimeout();
        Uni<Optional<ProductDetail.Core>> core = required(products.findActiveById(id), timeout, "product");
        Uni<Versioned<List<Variant>>> variants = required(products.findVariantsWithStock(id), timeout, "variants");
        Uni<Optional<Versioned<RatingSummary>>> rating = optional(reviews.findRatingSummary(id), timeout, "rating", id);
        Uni<Optional<Versioned<List<Review>>>> recent = optional(
                reviews.findRecent(id, config.detail().recentReviews()), timeout, "recentReviews", id);

        return Uni.combine().all().unis(core, variants, rating, recent).asTuple().map(legs -> {
            if (legs.getItem1().isEmpty()) {
                // The variants leg read the row's version even if inactive (0 if there is no row).
                return ProductDetail.notFound(id, legs.getItem2().version());
            }
            ProductDetail.Core product = legs.getItem1().get();
            long version = Math.min(product.version(), legs.getItem2().version());
            List<String> degraded = new ArrayList<>(2);
            if (legs.getItem3().isEmpty()) {
                degraded.add("rating");
            } else {
                version = Math.min(version, legs.getItem3().get().version());
            }
            if (legs.getItem4().isEmpty()) {
                degraded.add("recentReviews");
            } else {
                version = Math.min(version, legs.getItem4().get().version());
            }
            return ProductDetail.of(product, version, legs.getItem2().value(),
                    legs.getItem3().map(Versioned::value).orElse(null),
                    legs.getItem4().map(Versioned::value).orElse(List.of()), degraded);
        });
    }

    private static <T> Uni<T> required(Uni<T> leg, Duration timeout, String name) {
        return leg.ifNoItem().after(timeout)
                .failWith(() -> new DatabaseErrors.Timeout("The " + name + " query did not answer within " + timeout));
    }

    private static <T> Uni<Optional<T>> optional(Uni<T> leg, Duration timeout, String name, long id) {
        return leg.map(Optional::of)
                .ifNoItem().after(timeout).recoverWithItem(Optional.empty())
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "product %d: leaving out %s", id, name);
                    return Optional.empty();
                });
    }
}
