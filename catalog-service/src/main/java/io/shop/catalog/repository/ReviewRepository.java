package io.shop.catalog.repository;

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

    static final String RATING_SQL = "SELECT review_count, rating_sum FROM catalog.product_ratings WHERE product_id = $1";

    static final String RECENT_SQL = """
            SELECT id, user_id, rating, body, created_at
              FROM catalog.reviews
             WHERE product_id = $1
             ORDER BY created_at DESC, id DESC
             LIMIT $2
            """;

    private final Pool pool;

    public ReviewRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<RatingSummary> findRatingSummary(long productId) {
        return pool.preparedQuery(RATING_SQL).execute(Tuple.of(productId)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return RatingSummary.NONE;
            }
            Row row = it.next();
            return RatingSummary.of(row.getInteger("review_count"), row.getLong("rating_sum"));
        });
    }

    public Uni<List<Review>> findRecent(long productId, int limit) {
        return pool.preparedQuery(RECENT_SQL).execute(Tuple.of(productId, limit)).map(rows -> {
            List<Review> reviews = new ArrayList<>(rows.size());
            for (Row row : rows) {
                reviews.add(new Review(row.getLong("id"), row.getLong("user_id"), row.getShort("rating"),
                        row.getString("body"), row.getOffsetDateTime("created_at")));
            }
            return reviews;
        });
    }
}
