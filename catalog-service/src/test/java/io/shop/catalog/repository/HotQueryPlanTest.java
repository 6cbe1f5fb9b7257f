package io.shop.catalog.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.shop.common.testing.TestData;
import io.shop.catalog.model.SearchCriteria;
import io.shop.catalog.model.SearchSort;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * EXPLAINs every hot catalog query exactly as the repositories send it, on the generated dataset, with the
 * planner's custom and generic plans (the pool caches prepared statements, so both are used in production),
 * and fails on a sequential scan of a large table.
 *
 * <p>Text searches use a shopper's two-word query: on the small test dataset the planner rightly scans a
 * 20k-row table for a word that 5% of products contain; the load-tests benchmark measures broad
 * terms on the large dataset.
 */
@QuarkusTest
class HotQueryPlanTest {

    /** A table with at least this many rows must never be read by a sequential scan on a hot path. */
    static final long LARGE_TABLE_ROWS = 10_000;

    @Inject
    Pool pool;

    @Inject
    AgroalDataSource db;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    @Test
    void featuredReadsThePartialIndexInOrder() {
        List<String> indexes = assertNoSeqScanOfLargeTable(ProductRepository.FEATURED_SQL, List.of(12));
        assertThat(indexes).contains("products_featured_idx");
    }

    @Test
    void productDetailLegsUseIndexes() {
        assertNoSeqScanOfLargeTable(ProductRepository.PRODUCT_SQL, List.of(42L));
        assertNoSeqScanOfLargeTable(ProductRepository.VARIANTS_SQL, List.of(42L));
        assertNoSeqScanOfLargeTable(ReviewRepository.RATING_SQL, List.of(42L));
        List<String> indexes = assertNoSeqScanOfLargeTable(ReviewRepository.RECENT_SQL, List.of(42L, 5));
        assertThat(indexes).contains("reviews_product_recent_idx");
    }

    @Test
    void searchByTextUsesFullTextAndTrigramIndexes() {
        assertThat(assertSearchPlan(new SearchCriteria("titanium laptop", null, null, null, true,
                SearchSort.RELEVANCE, 20, null, null)))
                .contains("products_search_vector_idx");
        // A single term is also matched as a substring of the name, e.g. part of a model code.
        assertThat(assertSearchPlan(new SearchCriteria("Q-73", null, null, null, true,
                SearchSort.RELEVANCE, 20, null, null)))
                .contains("products_search_vector_idx", "products_name_trgm_idx");
        assertSearchPlan(new SearchCriteria("titanium laptop", null, new BigDecimal("500"), new BigDecimal("2000"),
                true, SearchSort.RELEVANCE, 20, null, null));
        assertSearchPlan(new SearchCriteria("titanium laptop", null, null, null, false, SearchSort.PRICE_ASC, 20,
                new BigDecimal("99.5"), 77L));
        assertThat(assertSearchPlan(new SearchCriteria("tv", null, null, null, false, SearchSort.NEWEST, 20, null, null)))
                .contains("products_search_vector_idx");
    }

    @Test
    void searchWithoutTextUsesSortIndexes() {
        assertThat(assertSearchPlan(new SearchCriteria(null, null, null, null, true, SearchSort.NEWEST, 20,
                OffsetDateTime.parse("2025-06-01T00:00:00Z"), 1000L)))
                .contains("products_active_created_idx");
        assertThat(assertSearchPlan(new SearchCriteria(null, 3L, new BigDecimal("10"), new BigDecimal("400"), false,
                SearchSort.PRICE_DESC, 20, null, null)))
                .contains("products_category_price_idx");
        assertThat(assertSearchPlan(new SearchCriteria(null, null, new BigDecimal("500"), new BigDecimal("2000"), true,
                SearchSort.PRICE_ASC, 20, null, null)))
                .contains("products_active_price_idx");
    }

    private List<String> assertSearchPlan(SearchCriteria criteria) {
        ProductSearchRepository.Statement statement = ProductSearchRepository.build(criteria);
        return assertNoSeqScanOfLargeTable(statement.sql(), statement.params());
    }

    /** Returns the indexes the plans use, after checking both plans for sequential scans of large tables. */
    private List<String> assertNoSeqScanOfLargeTable(String sql, List<Object> params) {
        List<String> indexes = new ArrayList<>();
        for (String planMode : List.of("force_custom_plan", "force_generic_plan")) {
            List<JsonObject> nodes = explain(sql, params, planMode);
            for (JsonObject node : nodes) {
                if ("Seq Scan".equals(node.getString("Node Type"))) {
                    String table = node.getString("Schema") + "." + node.getString("Relation Name");
                    long rows = TestData.single(db, Long.class,
                            "SELECT reltuples::bigint FROM pg_class WHERE oid = ?::regclass", table);
                    assertThat(rows).as("%s plan of%n%s%nreads %s (%d rows) with a sequential scan",
                            planMode, sql, table, rows).isLessThan(LARGE_TABLE_ROWS);
                }
                if (node.getString("Index Name") != null) {
                    indexes.add(node.getString("Index Name"));
                }
            }
        }
        return indexes;
    }

    private List<JsonObject> explain(String sql, List<Object> params, String planMode) {
        return pool.withTransaction(conn -> conn.query("SET LOCAL plan_cache_mode = " + planMode).execute()
                        .chain(() -> QueryPlans.explain(conn, "VERBOSE", sql, params)))
                .map(QueryPlans::nodes)
                .await().indefinitely();
    }
}
