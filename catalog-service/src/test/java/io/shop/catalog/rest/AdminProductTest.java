package io.shop.catalog.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shop.common.testing.TestData;
import io.shop.common.testing.Tokens;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Admin writes: each bumps the product's version and writes its ProductChanged event in the same transaction. */
@QuarkusTest
class AdminProductTest {

    @Inject
    AgroalDataSource db;

    @Inject
    Mutiny.SessionFactory sessions;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    private long activeProduct(int offset) {
        return TestData.single(db, Long.class,
                "SELECT id FROM catalog.products WHERE is_active AND NOT is_featured ORDER BY id LIMIT 1 OFFSET ?", offset);
    }

    private long version(long id) {
        return TestData.single(db, Long.class, "SELECT version FROM catalog.products WHERE id = ?", id);
    }

    private String lastEvent(long id) {
        return TestData.single(db, String.class, """
                SELECT version || ' ' || (payload ->> 'change') || ' ' || (payload ->> 'listingChanged')
                  FROM catalog.outbox WHERE aggregatetype = 'product' AND aggregateid = ? ORDER BY seq DESC LIMIT 1""",
                String.valueOf(id));
    }

    @Test
    void shouldChangeThePriceBumpTheVersionAndWriteTheEvent() {
        long id = activeProduct(11);
        long before = version(id);
        BigDecimal price = TestData.single(db, BigDecimal.class, "SELECT base_price FROM catalog.products WHERE id = ?", id)
                .add(new BigDecimal("1.25"));

        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"price\": " + price + "}")
                .when().patch("/admin/products/" + id)
                .then().statusCode(200).body("price", equalTo(price.floatValue())).body("version", equalTo((int) before + 1));

        assertThat(TestData.single(db, BigDecimal.class, "SELECT base_price FROM catalog.products WHERE id = ?", id))
                .isEqualByComparingTo(price);
        assertThat(lastEvent(id)).isEqualTo((before + 1) + " price true");
        // Setting the same price again is a write (new version) that changes no list.
        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"price\": " + price + "}")
                .when().patch("/admin/products/" + id).then().statusCode(200);
        assertThat(lastEvent(id)).isEqualTo((before + 2) + " price false");
    }

    /**
     * Each write's statements are planned once, not once per write: a plan the cache cannot find again is planned
     * anew every time and, all keys of one SQL text sharing a hash, turns every lookup into a walk over the cache.
     */
    @Test
    void shouldReuseTheQueryPlansOfRepeatedWrites() {
        long id = activeProduct(12);
        Statistics statistics = sessions.getStatistics();
        for (int warm = 0; warm < 2; warm++) {
            patchPrice(id, "10.0" + warm);
        }
        long missesBefore = statistics.getQueryPlanCacheMissCount();
        for (int i = 0; i < 20; i++) {
            patchPrice(id, "11." + (10 + i));
        }
        assertThat(statistics.getQueryPlanCacheMissCount() - missesBefore).isZero();
        assertThat(statistics.getQueryPlanCacheHitCount()).isPositive();
    }

    private void patchPrice(long id, String price) {
        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"price\": " + price + "}")
                .when().patch("/admin/products/" + id).then().statusCode(200);
    }

    @Test
    void shouldRestockAndSayWhenTheVariantComesBackInStock() {
        long variant = TestData.single(db, Long.class, """
                SELECT v.id FROM catalog.product_variants v JOIN catalog.products p ON p.id = v.product_id
                 WHERE p.is_active ORDER BY v.id LIMIT 1 OFFSET 31""");
        long product = TestData.single(db, Long.class, "SELECT product_id FROM catalog.product_variants WHERE id = ?", variant);
        TestData.execute(db, "UPDATE catalog.inventory SET quantity_available = 0 WHERE product_variant_id = ?", variant);
        long before = version(product);

        int firstVersion = given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"quantity\": 7}")
                .when().post("/admin/products/" + product + "/variants/" + variant + "/restock")
                .then().statusCode(200).body("quantityAvailable", equalTo(7)).extract().path("productVersion");
        // The stock trigger and the write each raise the version: what counts is that it grew and that the page,
        // the answer and the event agree on it.
        assertThat((long) firstVersion).isGreaterThan(before).isEqualTo(version(product));
        assertThat(lastEvent(product)).isEqualTo(firstVersion + " stock true");
        int secondVersion = given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"quantity\": 3}")
                .when().post("/admin/products/" + product + "/variants/" + variant + "/restock")
                .then().statusCode(200).body("quantityAvailable", equalTo(10)).extract().path("productVersion");
        assertThat(secondVersion).isGreaterThan(firstVersion);
        assertThat(lastEvent(product)).as("7 -> 10 changes no list").isEqualTo(secondVersion + " stock false");
    }

    @Test
    void shouldRefuseCallersWithoutTheAdminRole() {
        long id = activeProduct(12);
        given().contentType(ContentType.JSON).body("{\"price\": 1}").when().patch("/admin/products/" + id)
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(Tokens.customer(1)).contentType(ContentType.JSON).body("{\"price\": 1}")
                .when().patch("/admin/products/" + id)
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(Tokens.foreignSignature(1)).contentType(ContentType.JSON).body("{\"price\": 1}")
                .when().patch("/admin/products/" + id).then().statusCode(401);
    }

    @Test
    void badInputChangesNothing() {
        long id = activeProduct(13);
        long before = version(id);
        String[] bodies = {"{}", "{\"price\": -1}", "{\"price\": 0}", "{\"price\": 1.234}", "{\"price\": 99999999}",
            "{\"price\": \"cheap\"}", "{\"price\": 5, \"version\": 1}", "not json", "{\"featured\": \"yes\"}"};
        for (String body : bodies) {
            given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body(body)
                    .when().patch("/admin/products/" + id)
                    .then().statusCode(400).contentType("application/problem+json");
        }
        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"quantity\": 0}")
                .when().post("/admin/products/" + id + "/variants/1/restock").then().statusCode(400);
        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"price\": 5}")
                .when().patch("/admin/products/abc").then().statusCode(400).body("'invalid-params'[0].name", equalTo("id"));
        assertThat(version(id)).isEqualTo(before);

        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"price\": 5}")
                .when().patch("/admin/products/999999999").then().statusCode(404);
        long otherVariant = TestData.single(db, Long.class,
                "SELECT id FROM catalog.product_variants WHERE product_id <> ? ORDER BY id LIMIT 1", id);
        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"quantity\": 5}")
                .when().post("/admin/products/" + id + "/variants/" + otherVariant + "/restock")
                .then().statusCode(404).body("detail", containsString("has no variant"));
        assertThat(version(id)).isEqualTo(before);
    }

    /** A key given twice is refused (never "the last one wins"), as is anything after the JSON value. */
    @Test
    void duplicateKeysAndTrailingContentAre400sNamingTheProblemAndChangeNothing() {
        long id = activeProduct(14);
        long before = version(id);
        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"price\": 10, \"price\": 11}")
                .when().patch("/admin/products/" + id)
                .then().statusCode(400).contentType("application/problem+json")
                .body("'invalid-params'[0].name", equalTo("price"));
        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"price\": 10} {\"price\": 11}")
                .when().patch("/admin/products/" + id)
                .then().statusCode(400).contentType("application/problem+json")
                .body("'invalid-params'[0].name", equalTo("body"));
        long variant = TestData.single(db, Long.class,
                "SELECT id FROM catalog.product_variants WHERE product_id = ? ORDER BY id LIMIT 1", id);
        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"quantity\": 5, \"quantity\": 6}")
                .when().post("/admin/products/" + id + "/variants/" + variant + "/restock")
                .then().statusCode(400).contentType("application/problem+json")
                .body("'invalid-params'[0].name", equalTo("quantity"));
        assertThat(version(id)).isEqualTo(before);
    }
}
