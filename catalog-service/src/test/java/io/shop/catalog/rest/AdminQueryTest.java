package io.shop.catalog.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.shop.common.testing.TestData;
import io.shop.common.testing.Tokens;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The query analyzer's answers, checked against what is known of each query and of the schema. */
@QuarkusTest
class AdminQueryTest {

    @Inject
    AgroalDataSource db;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().auth().oauth2(Tokens.admin(1));
    }

    @Test
    void reportsTheSeedsSearchAsASequentialScanOfProducts() {
        JsonPath plan = admin().when().get("/admin/queries/plans/seed-search").then().statusCode(200).extract().jsonPath();

        assertThat(plan.getList("sequentialScans.table", String.class)).contains("catalog.products");
        assertThat(plan.getString("verdict")).startsWith("reads catalog.").contains("sequential scan");
        assertThat(plan.getDouble("executionMs")).isPositive();
    }

    @Test
    void reportsTheHomepageQueryAsUsingItsIndex() {
        JsonPath plan = admin().when().get("/admin/queries/plans/featured").then().statusCode(200).extract().jsonPath();

        assertThat(plan.getList("indexesUsed", String.class)).contains("products_featured_idx");
        assertThat(plan.getList("sequentialScans")).isEmpty();
        assertThat(plan.getString("verdict")).contains("uses index").contains("products_featured_idx");
        assertThat(plan.getLong("rows")).isEqualTo(12);
    }

    @Test
    void explainsEveryNamedQueryAndOnlyTheSeedsSearchScansALargeTable() {
        List<Map<String, Object>> plans = admin().when().get("/admin/queries/plans").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(plans).extracting(p -> p.get("name")).contains("featured", "product", "search", "seed-search");
        assertThat(plans).filteredOn(p -> !((List<?>) p.get("sequentialScans")).isEmpty())
                .extracting(p -> p.get("name")).containsExactly("seed-search");
    }

    @Test
    void listsTopStatementsSortedByMeanTime() {
        given().when().get("/products/featured").then().statusCode(200);
        List<Double> means = admin().queryParam("by", "mean").queryParam("limit", 5)
                .when().get("/admin/queries/top").then().statusCode(200).extract().jsonPath().getList("meanMs", Double.class);
        assertThat(means).hasSizeBetween(1, 5).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        admin().queryParam("limit", 100).when().get("/admin/queries/top").then().statusCode(200)
                .body("query", hasItem(containsString("is_featured")));
    }

    @Test
    void givesIndexAdviceAndTheSlowQueryThreshold() {
        JsonPath advice = admin().when().get("/admin/queries/index-advice").then().statusCode(200).extract().jsonPath();
        assertThat(advice.getList("unusedIndexes")).isNotNull();
        assertThat(advice.getList("sequentiallyScannedTables")).isNotNull();
        assertThat(advice.getList("foreignKeysWithoutIndex")).isNotNull();
        assertThat(advice.getString("slowQueryLogThreshold")).isEqualTo(
                TestData.single(db, String.class, "SELECT current_setting('log_min_duration_statement')"));
    }

    @Test
    void refusesBadInputAndNonAdmins() {
        admin().queryParam("by", "random").when().get("/admin/queries/top").then().statusCode(400)
                .body("'invalid-params'[0].name", equalTo("by"));
        admin().queryParam("limit", 0).when().get("/admin/queries/top").then().statusCode(400);
        admin().when().get("/admin/queries/plans/drop-table").then().statusCode(404)
                .body("detail", containsString("seed-search"));
        given().auth().oauth2(Tokens.customer(1)).when().get("/admin/queries/top").then().statusCode(403);
        given().when().get("/admin/queries/plans").then().statusCode(401);
    }
}
