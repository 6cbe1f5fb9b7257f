package io.shop.catalog.repository;

import io.shop.catalog.model.Versioned;
import io.shop.catalog.model.RatingSummary;
import io.shop.catalog.model.Review;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

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
            SELECT p.version AS product_version, r.id, r.user_id, r.rating, r.body, r.created_at
              FROM catalog.products p
              LEFT JOIN LATERAL (
                    SELECT id, user_id, rating, body, created_at
                      FROM catalog.reviews
                     WHERE product_id = p.id
                     ORDER BY created_at DESC, id DESC
                     LIMIT $2) r ON true
             WHERE p.id = $1
             ORDER BY r.created_at DESC, r.id DESC
            """;

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

    public Uni<Versioned<List<Review>>> findRecent(long productId, int limit) {
        return pool.preparedQuery(RECENT_SQL).execute(Tuple.of(productId, limit)).map(rows -> {
            List<Review> reviews = new ArrayList<>(rows.size());
            long version = 0;
            for (Row row : rows) {
                version = row.getLong("product_version");
                if (row.getLong("id") != null) {
                    reviews.add(new Review(row.getLong("id"), row.getLong("user_id"), row.getShort("rating"),
                            row.getString("body"), row.getOffsetDateTime("created_at")));
                }
            }
            return new Versioned<>(version, reviews);
        });
    }
}
