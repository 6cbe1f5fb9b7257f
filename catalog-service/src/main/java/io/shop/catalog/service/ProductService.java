package io.shop.catalog.service;

import io.shop.catalog.config.CatalogConfig;
import io.shop.catalog.model.ProductDetail;
import io.shop.catalog.model.ProductSummary;
import io.shop.catalog.model.RatingSummary;
import io.shop.catalog.model.Review;
import io.shop.catalog.model.SearchCriteria;
import io.shop.catalog.model.SearchPage;
import io.shop.catalog.model.Variant;
import io.shop.catalog.repository.ProductRepository;
import io.shop.catalog.repository.ProductSearchRepository;
import io.shop.catalog.repository.ReviewRepository;
import io.shop.common.error.ProblemException;
import io.shop.common.pagination.Cursor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Service class for the catalog read path: homepage, search and the product page. */
@ApplicationScoped
public class ProductService {

    private static final Logger LOG = Logger.getLogger(ProductService.class);

    private final ProductRepository products;
    private final ProductSearchRepository search;
    private final ReviewRepository reviews;
    private final CatalogConfig config;

    public ProductService(ProductRepository products, ProductSearchRepository search, ReviewRepository reviews,
                          CatalogConfig config) {
        this.products = products;
        this.search = search;
        this.reviews = reviews;
        this.config = config;
    }

    public Uni<List<ProductSummary>> findFeaturedProducts(int limit) {
        return products.findFeatured(limit);
    }

    public Uni<SearchPage> searchProducts(SearchCriteria criteria) {
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

    /**
     * The product page, its four queries run in parallel. The product and its variants are required: if either
     * does not answer within the leg timeout the request fails fast with 503. The rating summary and recent
     * reviews are optional: a slow one is left out and named in {@code degraded}.
     */
    public Uni<ProductDetail> findProductDetail(long id) {
        Duration timeout = config.detail().legTimeout();
        Uni<Optional<ProductDetail.Core>> core = required(products.findActiveById(id), timeout, "product");
        Uni<List<Variant>> variants = required(products.findVariantsWithStock(id), timeout, "variants");
        Uni<Optional<RatingSummary>> rating = optional(reviews.findRatingSummary(id), timeout, "rating", id);
        Uni<Optional<List<Review>>> recent = optional(
                reviews.findRecent(id, config.detail().recentReviews()), timeout, "recentReviews", id);

        return Uni.combine().all().unis(core, variants, rating, recent).asTuple().map(legs -> {
            ProductDetail.Core product = legs.getItem1()
                    .orElseThrow(() -> ProblemException.notFound("No product with id " + id));
            List<String> degraded = new ArrayList<>(2);
            if (legs.getItem3().isEmpty()) {
                degraded.add("rating");
            }
            if (legs.getItem4().isEmpty()) {
                degraded.add("recentReviews");
            }
            return ProductDetail.of(product, legs.getItem2(), legs.getItem3().orElse(null),
                    legs.getItem4().orElse(List.of()), degraded);
        });
    }

    private static <T> Uni<T> required(Uni<T> leg, Duration timeout, String name) {
        return leg.ifNoItem().after(timeout)
                .failWith(() -> ProblemException.unavailable("The " + name + " query did not answer in time"));
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
