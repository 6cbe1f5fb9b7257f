package io.shop.catalog.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.shop.common.testing.TestData;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProductResourceTest {

    @Inject
    AgroalDataSource db;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    @Test
    void shouldGetFeaturedProductsNewestFirstWithMaintainedRatings() {
        List<Long> expected = TestData.column(db, Long.class, """
                SELECT id FROM catalog.products WHERE is_featured AND is_active
                 ORDER BY created_at DESC, id DESC LIMIT 12""");
        JsonPath page = given().when().get("/products/featured").then().statusCode(200).extract().jsonPath();

        assertThat(page.getList("id", Long.class)).isEqualTo(expected);
        // The rating shown is the seed's COUNT/AVG over all reviews, though no read aggregates them.
        long first = expected.get(0);
        int count = TestData.single(db, Long.class, "SELECT count(*) FROM catalog.reviews WHERE product_id = ?", first).intValue();
        assertThat(page.getInt("[0].rating.count")).isEqualTo(count);
        if (count > 0) {
            BigDecimal avg = TestData.single(db, BigDecimal.class,
                    "SELECT round(avg(rating), 2) FROM catalog.reviews WHERE product_id = ?", first);
            assertThat(new BigDecimal(page.getString("[0].rating.average"))).isEqualByComparingTo(avg);
        }
    }

    @Test
    void shouldLimitFeaturedProducts() {
        given().queryParam("limit", 3).when().get("/products/featured")
                .then().statusCode(200).body("size()", equalTo(3));
    }

    @Test
    void shouldFindProductsByWordAndFilters() {
        JsonPath page = given().queryParam("q", "laptop").queryParam("minPrice", "100").queryParam("maxPrice", "2000")
                .queryParam("inStock", "true").queryParam("sort", "price_asc").queryParam("limit", 50)
                .when().get("/products").then().statusCode(200).extract().jsonPath();

        List<Long> ids = page.getList("items.id", Long.class);
        assertThat(ids).isNotEmpty();
        for (int i = 0; i < ids.size(); i++) {
            assertThat(page.getString("items[" + i + "].name").toLowerCase()).contains("laptop");
            assertThat(new BigDecimal(page.getString("items[" + i + "].price"))).isBetween(new BigDecimal("100"), new BigDecimal("2000"));
            assertThat(page.getBoolean("items[" + i + "].inStock")).isTrue();
        }
        List<BigDecimal> prices = page.getList("items.price", String.class).stream().map(BigDecimal::new).toList();
        assertThat(prices).isSortedAccordingTo(Comparator.naturalOrder());
        // In stock means a variant with units, as the seed's join over product_variants meant.
        long soldOut = TestData.single(db, Long.class, """
                SELECT count(*) FROM unnest(?::bigint[]) AS r(id)
                 WHERE NOT EXISTS (SELECT 1 FROM catalog.product_variants v JOIN catalog.inventory i
                                     ON i.product_variant_id = v.id WHERE v.product_id = r.id AND i.quantity_available > 0)""",
                ids.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}")));
        assertThat(soldOut).isZero();
    }

    @Test
    void shouldWalkEveryPageOnceWithTheCursor() {
        long category = 3;
        List<Long> expected = TestData.column(db, Long.class, """
                SELECT id FROM catalog.products WHERE is_active AND category_id = ? AND base_price <= 400
                 ORDER BY base_price DESC, id DESC""", category);
        assertThat(expected.size()).isGreaterThan(45);

        List<Long> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().queryParam("category", category).queryParam("maxPrice", 400)
                    .queryParam("sort", "price_desc").queryParam("limit", 20);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.when().get("/products").then().statusCode(200).extract().jsonPath();
            walked.addAll(page.getList("items.id", Long.class));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null && pages < 100);

        assertThat(walked).isEqualTo(expected);
    }

    @Test
    void shouldWalkRelevanceAndNewestPagesWithoutDuplicates() {
        for (String sort : List.of("relevance", "newest")) {
            Set<Long> seen = new HashSet<>();
            String cursor = null;
            int total = 0;
            do {
                var request = given().queryParam("q", "wireless").queryParam("sort", sort).queryParam("limit", 25);
                if (cursor != null) {
                    request.queryParam("cursor", cursor);
                }
                JsonPath page = request.when().get("/products").then().statusCode(200).extract().jsonPath();
                List<Long> ids = page.getList("items.id", Long.class);
                seen.addAll(ids);
                total += ids.size();
                cursor = page.getString("nextCursor");
            } while (cursor != null);
            long matching = TestData.single(db, Long.class, """
                    SELECT count(*) FROM catalog.products WHERE is_active
                       AND (search_vector @@ websearch_to_tsquery('english', 'wireless') OR name ILIKE '%wireless%')""");
            assertThat(total).as(sort).isEqualTo(seen.size()).isEqualTo((int) matching);
        }
    }

    @Test
    void shouldSearchQuotesAndSqlAsPlainData() {
        TestData.execute(db, """
                INSERT INTO catalog.products (category_id, name, description, base_price)
                SELECT 1, 'O''Reilly Laptop Stand', 'A stand for books by O''Reilly', 39.90
                 WHERE NOT EXISTS (SELECT 1 FROM catalog.products WHERE name = 'O''Reilly Laptop Stand')""");

        given().queryParam("q", "O'Reilly").when().get("/products")
                .then().statusCode(200).body("items.name", hasItem("O'Reilly Laptop Stand"));
        given().queryParam("q", "' OR 1=1--").when().get("/products")
                .then().statusCode(200).body("items.size()", equalTo(0));
        given().queryParam("q", "100%_").when().get("/products")
                .then().statusCode(200).body("items.size()", equalTo(0));
        assertThat(TestData.single(db, Long.class, "SELECT count(*) FROM catalog.products WHERE id <= 20000"))
                .isEqualTo(20000L);
    }

    @Test
    void shouldGetProductDetailWithVariantsRatingAndRecentReviews() {
        long id = TestData.single(db, Long.class, """
                SELECT p.id FROM catalog.products p JOIN catalog.product_ratings r ON r.product_id = p.id
                 WHERE p.is_active AND r.review_count >= 6 ORDER BY p.id LIMIT 1""");
        long variants = TestData.single(db, Long.class, "SELECT count(*) FROM catalog.product_variants WHERE product_id = ?", id);
        long stock = TestData.single(db, Long.class, """
                SELECT sum(i.quantity_available) FROM catalog.product_variants v
                  JOIN catalog.inventory i ON i.product_variant_id = v.id WHERE v.product_id = ?""", id);

        JsonPath detail = given().when().get("/products/" + id).then().statusCode(200)
                .body("degraded", equalTo(List.of())).extract().jsonPath();

        assertThat(detail.getLong("id")).isEqualTo(id);
        assertThat(detail.getList("variants")).hasSize((int) variants);
        assertThat(detail.getList("variants.quantityAvailable", Integer.class).stream().mapToLong(i -> i).sum()).isEqualTo(stock);
        assertThat(detail.getInt("rating.count")).isGreaterThanOrEqualTo(6);
        assertThat(detail.getList("recentReviews")).hasSize(5);
        List<String> dates = detail.getList("recentReviews.createdAt", String.class);
        assertThat(dates).isSortedAccordingTo(Comparator.reverseOrder());
    }

    @Test
    void shouldNotGetUnknownOrInactiveProduct() {
        long inactive = TestData.single(db, Long.class, "SELECT min(id) FROM catalog.products WHERE NOT is_active");
        for (String id : List.of("999999999", String.valueOf(inactive))) {
            given().when().get("/products/" + id).then().statusCode(404)
                    .contentType("application/problem+json")
                    .body("status", equalTo(404)).body("title", equalTo("Not found"));
        }
    }

    @Test
    void shouldGetCategories() {
        // The admin tests add categories to the shared test database: the dataset's 40 and theirs.
        int categories = TestData.single(db, Long.class, "SELECT count(*) FROM catalog.categories").intValue();
        given().when().get("/categories").then().statusCode(200)
                .body("size()", equalTo(categories)).body("name", hasItem("Laptop")).body("[0].slug", not(equalTo(null)));
    }

    @Test
    void shouldPublishOpenApiAndHealth() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/products/featured")).body(containsString("/categories"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
