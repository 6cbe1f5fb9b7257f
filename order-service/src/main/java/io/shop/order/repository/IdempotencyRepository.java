package io.shop.order.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Repository class for idempotency records: claimed before a checkout, completed with its response. */
@ApplicationScoped
public class IdempotencyRepository {

    /** What a claim found: either it is ours now, or the record someone else left. */
    public record Claim(boolean claimed, String state, String requestHash, Integer responseStatus, String responseBody,
                        Long orderId) {
    }

    /**
     * Claims a key (committed at once, outside the checkout transaction, so a concurrent duplicate sees it and
     * answers 409 instead of queuing behind a row lock). A claim left IN_FLIGHT longer than the lease by a
     * process that died is taken over, for the same request only.
     */
    static final String CLAIM_SQL = """
            INSERT INTO orders.idempotency_keys AS k (user_id, idempotency_key, request_hash, state, claimed_at)
            VALUES ($1, $2, $3, 'IN_FLIGHT', now())
            ON CONFLICT (user_id, idempotency_key) DO UPDATE SET claimed_at = now()
             WHERE k.state = 'IN_FLIGHT' AND k.request_hash = EXCLUDED.request_hash
               AND k.claimed_at < now() - make_interval(secs => $4)
            RETURNING true AS claimed
            """;

    static final String FIND_SQL = """
            SELECT state, request_hash, response_status, response_body, order_id
              FROM orders.idempotency_keys WHERE user_id = $1 AND idempotency_key = $2
            """;

    static final String COMPLETE_SQL = """
            UPDATE orders.idempotency_keys
               SET state = 'COMPLETED', response_status = $3, response_body = $4, order_id = $5
             WHERE user_id = $1 AND idempotency_key = $2
            """;

    static final String RELEASE_SQL =
            "DELETE FROM orders.idempotency_keys WHERE user_id = $1 AND idempotency_key = $2 AND state = 'IN_FLIGHT'";

    private final Pool pool;

    public IdempotencyRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Claim> claim(long userId, String key, String requestHash, Duration lease) {
        return pool.preparedQuery(CLAIM_SQL)
                .execute(Tuple.of(userId, key, requestHash, lease.toMillis() / 1000.0))
                .chain(rows -> rows.size() > 0
                        ? Uni.createFrom().item(new Claim(true, "IN_FLIGHT", requestHash, null, null, null))
                        : pool.preparedQuery(FIND_SQL).execute(Tuple.of(userId, key)).map(found -> {
                            Row row = found.iterator().next();
                            return new Claim(false, row.getString("state"), row.getString("request_hash"),
                                    row.getInteger("response_status"), row.getString("response_body"),
                                    row.getLong("order_id"));
                        }));
    }

    /** Stores the response to replay; in the checkout's transaction when an order was placed. */
    public Uni<Void> complete(SqlClient client, long userId, String key, int status, String body, Long orderId) {
        return client.preparedQuery(COMPLETE_SQL).execute(Tuple.of(userId, key, status, body, orderId)).replaceWithVoid();
    }

    /** Gives a claim up after a failure that must not be replayed (invalid request, database error). */
    public Uni<Void> release(long userId, String key) {
        return pool.preparedQuery(RELEASE_SQL).execute(Tuple.of(userId, key)).replaceWithVoid();
    }
}
