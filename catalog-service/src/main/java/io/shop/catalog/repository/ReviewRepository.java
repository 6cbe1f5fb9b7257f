package io.shop.catalog.repository;

import io.shop.catalog.model.Versioned;
import io.shop.catalog.model.RatingSummary;
import io.shop.catalog.model.Review;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Repository class for reviews and the maintained rating summary of a product. */
@ApplicationScoped
public class ReviewRepository {

    /** Both read the product's version in their own snapshot: see ProductRepository.VARIANTS_SQL. */
    public static final String RATING_SQL = """
            SELECT p.version AS product_version, r.review_count, r.rating_sum
              FROM catalog.products p
              LEFT JOIN catalog.product_ratings r ON r.product_id = p.id
             WHERE p.id = $1
            """;

    public static final String RECENT_SQL = """
            SELECT p.version AS product_version, r.id, r.user_id, r.rating, r.body, r.verified, r.created_at
              FROM catalog.products p
              LEFT JOIN LATERAL (
                    SELECT id, user_id, rating, body, verified, created_at
                      FROM catalog.reviews
                     WHERE product_id = p.id
                     ORDER BY created_at DESC, id DESC
                     LIMIT $2) r ON true
             WHERE p.id = $1
             ORDER BY r.created_at DESC, r.id DESC
            """;

    /** A page of a product's reviews, newest first: reviews_product_recent_idx, in order. */
    static final String FIRST_PAGE_SQL = """
            SELECT id, user_id, rating, body, verified, created_at FROM catalog.reviews
             WHERE product_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2
            """;

    static final String NEXT_PAGE_SQL = """
            SELECT id, user_id, rating, body, verified, created_at FROM catalog.reviews
             WHERE product_id = $1 AND (created_at, id) < ($3, $4) ORDER BY created_at DESC, id DESC LIMIT $2
            """;

    /**
     * A customer's review of an active product, verified if one of the customer's orders that was not cancelled has
     * a line of it. No row: no such active product. The rating trigger updates the summary and the product's version.
     */
    static final String INSERT_SQL = """
            INSERT INTO catalog.reviews (product_id, user_id, rating, body, verified)
            SELECT p.id, $2, $3, $4, EXISTS (
                       SELECT 1 FROM orders.orders o JOIN orders.order_items i ON i.order_id = o.id
                        WHERE o.user_id = $2 AND i.product_id = p.id AND o.status <> 'CANCELLED')
              FROM catalog.products p WHERE p.id = $1 AND p.is_active
            RETURNING id, user_id, rating, body, verified, created_at
            """;

    /** The product's version and featured flag after the trigger bumped them, in the same transaction. */
    static final String PRODUCT_AFTER_SQL = "SELECT version, is_featured FROM catalog.products WHERE id = $1";

    static final String PRODUCT_ACTIVE_SQL = "SELECT 1 FROM catalog.products WHERE id = $1 AND is_active";

    /** The review written and the product's version and featured flag after it. */
    public record Written(Review review, long productVersion, boolean featured) {
    }

    private final Pool pool;

    public ReviewRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Versioned<RatingSummary>> findRatingSummary(long productId) {
        return pool.preparedQuery(RATING_SQL).execute(Tuple.of(productId)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return new Versioned<>(0, RatingSummary.NONE);
            }
            Row row = it.next();
            RatingSummary rating = row.getInteger("review_count") == null ? RatingSummary.NONE
                    : RatingSummary.of(row.getInteger("review_count"), row.getLong("rating_sum"));
            return new Versioned<>(row.getLong("product_version"), rating);
        });
    }

    /** Up to {@code limit} reviews after the cursor's (created_at, id); empty if the product is not active. */
    public Uni<Optional<List<Review>>> findPage(long productId, int limit, OffsetDateTime afterCreatedAt,
                                                          Long afterId) {
        Uni<Boolean> active = pool.preparedQuery(PRODUCT_ACTIVE_SQL).execute(Tuple.of(productId)).map(rows -> rows.size() > 0);
        Uni<List<Review>> page = (afterId == null
                ? pool.preparedQuery(FIRST_PAGE_SQL).execute(Tuple.of(productId, limit))
                : pool.preparedQuery(NEXT_PAGE_SQL).execute(Tuple.of(productId, limit, afterCreatedAt, afterId))).map(rows -> {
                    List<Review> reviews = new ArrayList<>(rows.size());
                    rows.forEach(row -> reviews.add(review(row)));
                    return reviews;
                });
        return Uni.combine().all().unis(active, page).asTuple()
                .map(t -> t.getItem1() ? Optional.of(t.getItem2()) : Optional.empty());
    }

    /** Inserts the review and reads the product's new version (pipelined); empty if the product is not active. */
    public Uni<Optional<Written>> insert(SqlConnection conn, long productId, long userId, int rating, String body) {
        Uni<Optional<Review>> inserted = conn.preparedQuery(INSERT_SQL)
                .execute(Tuple.of(productId, userId, rating, body))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(review(rows.iterator().next())));
        Uni<Row> product = conn.preparedQuery(PRODUCT_AFTER_SQL).execute(Tuple.of(productId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
        return Uni.combine().all().unis(inserted, product).asTuple().map(t -> t.getItem1()
                .map(review -> new Written(review, t.getItem2().getLong("version"), t.getItem2().getBoolean("is_featured"))));
    }

    private static Review review(Row row) {
        return new Review(row.getLong("id"), row.getLong("user_id"), row.getShort("rating"), row.getString("body"),
                row.getBoolean("verified"), row.getOffsetDateTime("created_at"));
    }

    public Uni<Versioned<List<Review>>> findRecent(long productId, int limit) {
        return pool.preparedQuery(RECENT_SQL).execute(Tuple.of(productId, limit)).map(rows -> {
            List<Review> reviews = new ArrayList<>(rows.size());
            long version = 0;
            for (Row row : rows) {
                version = row.getLong("product_version");
                if (row.getLong("id") != null) {
                    reviews.add(review(row));
                }
            }
            return new Versioned<>(version, reviews);
        });
    }
}
