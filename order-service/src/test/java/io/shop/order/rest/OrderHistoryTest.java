package io.shop.order.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.shop.common.testing.TestData;
import io.shop.common.testing.Tokens;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Order history of a power user (thousands of orders): complete, newest first, and a constant number of queries. */
@QuarkusTest
class OrderHistoryTest {

    /** User 2 is one of the generated power users. */
    static final long POWER_USER = 2;

    /** Calls of statements that read orders or their items, in this database, since the server started. */
    static final String ORDER_STATEMENT_CALLS = """
            SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
             WHERE d.datname = current_database()
               AND (s.query ILIKE '%FROM orders.orders%' OR s.query ILIKE '%FROM orders.order_items%')""";

    @Inject
    AgroalDataSource db;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    private JsonPath page(int limit, String cursor) {
        var request = given().auth().oauth2(Tokens.customer(POWER_USER)).queryParam("limit", limit);
        if (cursor != null) {
            request.queryParam("cursor", cursor);
        }
        return request.when().get("/orders").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void shouldWalkTheWholeHistoryNewestFirst() {
        List<Long> expected = TestData.column(db, Long.class,
                "SELECT id FROM orders.orders WHERE user_id = ? ORDER BY created_at DESC, id DESC", POWER_USER);
        assertThat(expected.size()).isGreaterThanOrEqualTo(2000);

        List<Long> walked = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = page(100, cursor);
            walked.addAll(page.getList("items.id", Long.class));
            cursor = page.getString("nextCursor");
        } while (cursor != null);

        assertThat(walked).isEqualTo(expected);
    }

    @Test
    void shouldShowEachOrdersLinesWithProductNameSizeAndColor() {
        JsonPath page = page(20, null);
        long first = page.getLong("items[0].id");
        long lines = TestData.single(db, Long.class, "SELECT count(*) FROM orders.order_items WHERE order_id = ?", first);
        assertThat(page.getList("items[0].lines")).hasSize((int) lines);
        assertThat(page.getString("items[0].lines[0].productName")).isNotBlank();
        assertThat(page.getString("items[0].lines[0].size")).isNotBlank();
        assertThat(page.getString("items[0].lines[0].color")).isNotBlank();
    }

    @Test
    void shouldUseTheSameNumberOfQueriesWhateverThePageSize() {
        page(3, null);
        long before = TestData.single(db, Long.class, ORDER_STATEMENT_CALLS);
        page(5, null);
        long forFive = TestData.single(db, Long.class, ORDER_STATEMENT_CALLS) - before;
        page(100, null);
        long forHundred = TestData.single(db, Long.class, ORDER_STATEMENT_CALLS) - before - forFive;

        assertThat(forFive).as("queries for a page of 5").isEqualTo(2);
        assertThat(forHundred).as("queries for a page of 100").isEqualTo(2);
    }

    @Test
    void shouldRejectBadPaging() {
        given().auth().oauth2(Tokens.customer(POWER_USER)).queryParam("limit", 101).when().get("/orders")
                .then().statusCode(400).contentType("application/problem+json").body("'invalid-params'.name", hasItem("limit"));
        given().auth().oauth2(Tokens.customer(POWER_USER)).queryParam("cursor", "bm9wZQ").when().get("/orders")
                .then().statusCode(400).body("'invalid-params'.name", hasItem("cursor"));
        // A forged cursor of 10,000 characters is still a parameter to name, not a bare 414 from the HTTP layer.
        given().auth().oauth2(Tokens.customer(POWER_USER)).queryParam("cursor", "a".repeat(10_000)).when().get("/orders")
                .then().statusCode(400).contentType("application/problem+json").body("'invalid-params'.name", hasItem("cursor"));
    }
}
