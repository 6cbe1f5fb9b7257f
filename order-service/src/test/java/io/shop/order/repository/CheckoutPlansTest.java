package io.shop.order.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.shop.common.testing.TestData;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checkout's array statements are planned once per connection, not once per checkout. Under PostgreSQL's default
 * plan cache mode their generic plan (estimated for ten array elements) never beats the custom plans of one-line
 * orders, so every execution was planned anew; the service's connections force generic plans, and those must stay
 * index lookups. Checked on a connection of the service's own pool, through PostgreSQL's counters of that session.
 */
@QuarkusTest
class CheckoutPlansTest {

    private static final int EXECUTIONS = 12;

    @Inject
    Pool pool;

    @Inject
    AgroalDataSource db;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    /** PostgreSQL's counts of a prepared statement's plans, and the plan its executions use. */
    record Prepared(long genericPlans, long customPlans, String plan) {
    }

    @Test
    void shouldPlanTheStockLockAndTheStockUpdateOnceAndAsIndexLookups() {
        List<Long> variants = TestData.column(db, Long.class, """
                SELECT i.product_variant_id FROM catalog.inventory i
                  JOIN catalog.product_variants v ON v.id = i.product_variant_id
                  JOIN catalog.products p ON p.id = v.product_id
                 WHERE p.is_active ORDER BY i.product_variant_id LIMIT ?""", EXECUTIONS);

        Map<String, Prepared> prepared = pool.withConnection(conn -> conn.query("BEGIN").execute()
                        .chain(() -> executeEach(conn, variants))
                        .chain(() -> conn.preparedQuery("""
                                SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements
                                 WHERE statement = $1 OR statement = $2""")
                                .execute(Tuple.of(InventoryRepository.LOCK_FOR_CHECKOUT_SQL, InventoryRepository.CHANGE_SQL)))
                        .chain(rows -> explainEach(conn, rows))
                        // Nothing of this may stay: the deltas were zero, and the transaction is rolled back.
                        .onTermination().call(() -> conn.query("ROLLBACK").execute()))
                .await().atMost(Duration.ofSeconds(30));

        assertThat(prepared).hasSize(2).allSatisfy((sql, p) -> {
            assertThat(p.customPlans()).as("custom plans of %s", sql).isZero();
            assertThat(p.genericPlans()).as("generic plans of %s", sql).isGreaterThanOrEqualTo(EXECUTIONS);
        });
        assertThat(prepared.get(InventoryRepository.LOCK_FOR_CHECKOUT_SQL).plan())
                .contains("Index Scan using inventory_pkey").contains("Index Scan using products_pkey")
                .doesNotContain("Seq Scan");
        assertThat(prepared.get(InventoryRepository.CHANGE_SQL).plan())
                .contains("Index Scan using inventory_pkey").doesNotContain("Seq Scan");
    }

    /** Each checkout statement once per variant, one line each, with a zero delta: changes nothing. */
    private static Uni<Void> executeEach(SqlConnection conn, List<Long> variants) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Long variant : variants) {
            Long[] ids = {variant};
            chain = chain.chain(() -> conn.preparedQuery(InventoryRepository.LOCK_FOR_CHECKOUT_SQL).execute(Tuple.of((Object) ids)))
                    .chain(() -> conn.preparedQuery(InventoryRepository.CHANGE_SQL).execute(Tuple.of(ids, new Integer[] {0})))
                    .replaceWithVoid();
        }
        return chain;
    }

    /** Each of the pool's own prepared statements, by SQL: its plan counts, and EXPLAIN EXECUTE of it by its name. */
    private static Uni<Map<String, Prepared>> explainEach(SqlConnection conn, RowSet<Row> statements) {
        Map<String, Prepared> explained = new HashMap<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Row row : statements) {
            String sql = row.getString("statement");
            String arguments = sql.equals(InventoryRepository.CHANGE_SQL) ? "'{1}', '{0}'" : "'{1}'";
            chain = chain.chain(() -> conn.query("EXPLAIN EXECUTE \"" + row.getString("name") + "\"(" + arguments + ")")
                    .execute()
                    .invoke(plan -> explained.put(sql, new Prepared(row.getLong("generic_plans"),
                            row.getLong("custom_plans"), text(plan))))
                    .replaceWithVoid());
        }
        return chain.replaceWith(explained);
    }

    private static String text(RowSet<Row> plan) {
        StringBuilder text = new StringBuilder();
        plan.forEach(line -> text.append(line.getString(0)).append('\n'));
        return text.toString();
    }
}
