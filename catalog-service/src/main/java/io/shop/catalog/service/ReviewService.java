package io.shop.catalog.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.catalog.entity.OutboxRecord;
import io.shop.catalog.model.NewReview;
import io.shop.catalog.model.Review;
import io.shop.catalog.model.ReviewPage;
import io.shop.catalog.repository.ReviewRepository;
import io.shop.database.DatabaseErrors;
import io.shop.common.error.ProblemException;
import io.shop.common.events.ProductChanged;
import io.shop.common.outbox.OutboxEvent;
import io.shop.database.outbox.OutboxWriter;
import io.shop.common.pagination.Cursor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Service class for customer reviews. Posting one changes the product's rating summary: the trigger bumps the
 * product's version and the ProductChanged event ("rating") commits with the review, so every cached page and list
 * showing the rating is evicted like after any other change.
 */
@ApplicationScoped
public class ReviewService {

    public static final String PAGE_SORT = "newest";

    private final Pool pool;
    private final ReviewRepository reviews;
    private final ObjectMapper json;

    public ReviewService(Pool pool, ReviewRepository reviews, ObjectMapper json) {
        this.pool = pool;
        this.reviews = reviews;
        this.json = json;
    }

    public Uni<Review> post(long productId, long userId, NewReview review) {
        String body = review.bodyOrEmpty();
        if (body.codePointCount(0, body.length()) > NewReview.MAX_BODY) {
            throw ProblemException.badRequest("body", "must be at most " + NewReview.MAX_BODY + " characters");
        }
        return pool.withTransaction(conn -> reviews.insert(conn, productId, userId, review.rating(), body).chain(found -> {
                    var written = found.orElseThrow(() -> ProblemException.notFound("No product with id " + productId));
                    // Listings show the rating summary: their cached pages change too.
                    OutboxEvent event = new ProductChanged(productId, "rating", true, written.featured())
                            .toOutbox(json, written.productVersion());
                    return OutboxWriter.append(conn, OutboxRecord.TABLE, List.of(event))
                            .replaceWith(written.review());
                }))
                .onFailure(ReviewService::secondReview).transform(failure -> ProblemException.conflict(
                        "Already reviewed", "This customer has already reviewed product " + productId));
    }

    public Uni<ReviewPage> page(long productId, int pageSize, Cursor after) {
        OffsetDateTime afterCreatedAt = after == null ? null : after.key(OffsetDateTime::parse);
        Long afterId = after == null ? null : after.id();
        return reviews.findPage(productId, pageSize + 1, afterCreatedAt, afterId).map(found -> {
            List<Review> page = found.orElseThrow(() -> ProblemException.notFound("No product with id " + productId));
            if (page.size() <= pageSize) {
                return new ReviewPage(page, null);
            }
            Review last = page.get(pageSize - 1);
            return new ReviewPage(page.subList(0, pageSize),
                    new Cursor(PAGE_SORT, last.createdAt().toString(), last.id()).encode());
        });
    }

    private static boolean secondReview(Throwable failure) {
        return DatabaseErrors.violated(failure, "reviews_one_per_customer");
    }
}
