package io.shop.order.repository;

import io.shop.order.model.CheckoutOutcome;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Repository class for idempotency records. A key is held, for the length of the checkout transaction, by a
 * transaction-scoped advisory lock: a concurrent request with the same key fails to take it and answers 409 at
 * once, without queuing behind row locks; a crash releases it with the session, so no claim is ever orphaned.
 * The record itself is written in the checkout's own transaction, with the response to replay.
 */
@ApplicationScoped
public class IdempotencyRepository {

    /** A stored outcome and body, and the request they answered. */
    public record StoredResponse(String requestHash, CheckoutOutcome outcome, String body, Long orderId) {
    }

    /** Whether this transaction now holds the key, and the response stored for it, if any. */
    public record Lookup(boolean held, Optional<StoredResponse> stored) {
    }

    static final String TRY_LOCK_SQL =
            "SELECT pg_try_advisory_xact_lock(hashtextextended(($1::int8)::text || ':' || $2::text, 0)) AS held";

    static final String FIND_SQL = """
            SELECT request_hash, response_status, response_body, order_id
              FROM orders.idempotency_keys WHERE user_id = $1 AND idempotency_key = $2
            """;

    static final String INSERT_SQL = """
            INSERT INTO orders.idempotency_keys (user_id, idempotency_key, request_hash, response_status, response_body, order_id)
            VALUES ($1, $2, $3, $4, $5, $6)
            """;

    /**
     * Takes the key's lock, then reads its record. Both statements go out together (pipelined); the read runs
     * after the lock is taken, with a fresh snapshot, so it sees the record of any transaction that held the key
     * before.
     */
    public Uni<Lookup> holdAndFind(SqlConnection conn, long userId, String key) {
        Uni<Boolean> held = conn.preparedQuery(TRY_LOCK_SQL).execute(Tuple.of(userId, key))
                .map(rows -> rows.iterator().next().getBoolean("held"));
        Uni<Optional<StoredResponse>> stored = conn.preparedQuery(FIND_SQL).execute(Tuple.of(userId, key))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new StoredResponse(row.getString("request_hash"),
                            outcome(row.getInteger("response_status")), row.getString("response_body"), row.getLong("order_id")));
                });
        return Uni.combine().all().unis(held, stored).asTuple().map(t -> new Lookup(t.getItem1(), t.getItem2()));
    }

    public Uni<Void> store(SqlConnection conn, long userId, String key, String requestHash, CheckoutOutcome outcome,
                           String body, Long orderId) {
        return conn.preparedQuery(INSERT_SQL)
                .execute(Tuple.of(userId, key, requestHash, storedStatus(outcome), body, orderId))
                .replaceWithVoid();
    }

    /**
     * The column keeps the status the outcome was first answered with (201 placed, 409 out of stock), as it always
     * has, so keys stored by earlier versions replay the same.
     */
    private static int storedStatus(CheckoutOutcome outcome) {
        return outcome == CheckoutOutcome.PLACED ? 201 : 409;
    }

    private static CheckoutOutcome outcome(int storedStatus) {
        return storedStatus == 201 ? CheckoutOutcome.PLACED : CheckoutOutcome.OUT_OF_STOCK;
    }
}
