package io.shop.order.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.shop.common.testing.TestData;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void shouldPlanTheStockLockAndTheStockUpdateOnceAndAsIndexLookups() {
        List<Long> variants = TestData.column(db, Long.class, """
                SELECT i.product_variant_id FROM catalog.inventory i
                  JOIN catalog.product_variants v ON v.id = i.product_variant_id
                  JOIN catalog.products p ON p.id = v.product_id
                 WHERE p.is_active ORDER BY i.product_variant_id LIMIT ?""", EXECUTIONS);

        List<Row> plans = pool.withConnection(conn -> conn.query("BEGIN").execute()
                        .chain(() -> executeEach(conn, variants))
                        .chain(() -> conn.preparedQuery("""
                                SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements
                                 WHERE statement = $1 OR statement = $2""")
                                .execute(Tuple.of(InventoryRepository.LOCK_FOR_CHECKOUT_SQL, InventoryRepository.CHANGE_SQL)))
                        .map(rows -> {
                            List<Row> list = new ArrayList<>();
                            rows.forEach(list::add);
                            return list;
                        })
                        // Nothing of this may stay: the deltas were zero, and the transaction is rolled back.
                        .onTermination().call(() -> conn.query("ROLLBACK").execute()))
                .await().atMost(Duration.ofSeconds(30));

        assertThat(plans).hasSize(2).allSatisfy(row -> {
            assertThat(row.getLong("custom_plans")).as("custom plans of %s", row.getString("statement")).isZero();
            assertThat(row.getLong("generic_plans")).as("generic plans of %s", row.getString("statement"))
                    .isGreaterThanOrEqualTo(EXECUTIONS);
        });

        String lockPlan = genericPlan("checkout_lock(int8[])", InventoryRepository.LOCK_FOR_CHECKOUT_SQL, "'{1}'");
        String changePlan = genericPlan("checkout_change(int8[], int4[])", InventoryRepository.CHANGE_SQL, "'{1}', '{0}'");
        assertThat(lockPlan).contains("Index Scan using inventory_pkey").contains("Index Scan using products_pkey")
                .doesNotContain("Seq Scan");
        assertThat(changePlan).contains("Index Scan using inventory_pkey").doesNotContain("Seq Scan");
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

    /** The plan a pool connection uses for a prepared statement, its parameters unknown to the planner. */
    private String genericPlan(String signature, String sql, String arguments) {
        String name = signature.substring(0, signature.indexOf('('));
        return pool.withConnection(conn -> conn.query("PREPARE " + signature + " AS " + sql).execute()
                        .chain(() -> conn.query("EXPLAIN EXECUTE " + name + "(" + arguments + ")").execute())
                        .map(rows -> {
                            StringBuilder plan = new StringBuilder();
                            rows.forEach(row -> plan.append(row.getString(0)).append('\n'));
                            return plan.toString();
                        })
                        .onTermination().call(() -> conn.query("DEALLOCATE " + name).execute()))
                .await().atMost(Duration.ofSeconds(30));
    }
}
