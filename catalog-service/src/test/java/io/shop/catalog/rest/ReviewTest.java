package io.shop.catalog.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.shop.common.testing.TestData;
import io.shop.common.testing.Tokens;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Customer reviews: one per customer and product, verified when the customer bought the product, the rating summary
 * and the product's version moved with a "rating" event in the same transaction; bad input changes nothing.
 */
@QuarkusTest
class ReviewTest {

    @Inject
    AgroalDataSource db;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    /** A bought product and one of its buyers who has not reviewed it yet. */
    private long[] boughtProductAndBuyer() {
        List<Long> row = TestData.column(db, Long.class, """
                SELECT x FROM (
                  SELECT i.product_id, o.user_id FROM orders.orders o JOIN orders.order_items i ON i.order_id = o.id
                    JOIN catalog.products p ON p.id = i.product_id
                   WHERE o.status <> 'CANCELLED' AND p.is_active
                     AND NOT EXISTS (SELECT 1 FROM catalog.reviews r WHERE r.product_id = i.product_id AND r.user_id = o.user_id)
                   ORDER BY i.product_id, o.user_id LIMIT 1) t, LATERAL (VALUES (t.product_id), (t.user_id)) v(x)""");
        return new long[] {row.get(0), row.get(1)};
    }

    /** Customers who neither reviewed nor bought {@code product}. */
    private List<Long> strangers(long product, int count) {
        return TestData.column(db, Long.class, """
                SELECT u.id FROM orders.users u
                 WHERE NOT EXISTS (SELECT 1 FROM catalog.reviews r WHERE r.product_id = ? AND r.user_id = u.id)
                   AND NOT EXISTS (SELECT 1 FROM orders.orders o JOIN orders.order_items i ON i.order_id = o.id
                                    WHERE o.user_id = u.id AND i.product_id = ?)
                 ORDER BY u.id DESC LIMIT ?""", product, product, count);
    }

    private long count(String sql, Object... args) {
        return TestData.single(db, Long.class, sql, args);
    }

    @Test
    void aBuyersReviewIsVerifiedMovesTheRatingAndItsEventCommitsWithIt() {
        long[] pb = boughtProductAndBuyer();
        long product = pb[0];
        long buyer = pb[1];
        long version = count("SELECT version FROM catalog.products WHERE id = ?", product);
        long reviewsBefore = count("SELECT coalesce((SELECT review_count FROM catalog.product_ratings WHERE product_id = ?), 0)::bigint", product);
        String text = "Great <b>fit</b> & \"comfy\" \u2014 5/5 \uD83D\uDE00";

        given().auth().oauth2(Tokens.customer(buyer)).contentType(ContentType.JSON)
                .body("{\"rating\":5,\"text\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(text) + "}")
                .when().post("/products/" + product + "/reviews")
                .then().statusCode(201).body("rating", equalTo(5)).body("verified", equalTo(true))
                .body("body", equalTo(text)).body("userId", equalTo((int) buyer));

        assertThat(count("SELECT review_count::bigint FROM catalog.product_ratings WHERE product_id = ?", product))
                .isEqualTo(reviewsBefore + 1);
        long after = count("SELECT version FROM catalog.products WHERE id = ?", product);
        assertThat(after).as("the product's version moved").isGreaterThan(version);
        assertThat(TestData.single(db, String.class, """
                SELECT version || ' ' || (payload ->> 'change') || ' ' || (payload ->> 'listingChanged')
                  FROM catalog.outbox WHERE aggregateid = ? ORDER BY seq DESC LIMIT 1""", String.valueOf(product)))
                .isEqualTo(after + " rating true");

        // The first page of its reviews shows it first, as written.
        given().when().get("/products/" + product + "/reviews?limit=1")
                .then().statusCode(200).body("items[0].body", equalTo(text)).body("items[0].verified", equalTo(true));
    }

    @Test
    void aSecondReviewOfTheSameProductIs409AndChangesNothing() {
        long product = boughtProductAndBuyer()[0];
        long customer = strangers(product, 1).get(0);
        given().auth().oauth2(Tokens.customer(customer)).contentType(ContentType.JSON).body("{\"rating\":2}")
                .when().post("/products/" + product + "/reviews")
                .then().statusCode(201).body("verified", equalTo(false)).body("body", equalTo(""));
        long version = count("SELECT version FROM catalog.products WHERE id = ?", product);

        given().auth().oauth2(Tokens.customer(customer)).contentType(ContentType.JSON).body("{\"rating\":5,\"body\":\"again\"}")
                .when().post("/products/" + product + "/reviews")
                .then().statusCode(409).contentType("application/problem+json");

        assertThat(count("SELECT count(*) FROM catalog.reviews WHERE product_id = ? AND user_id = ?", product, customer)).isEqualTo(1);
        assertThat(count("SELECT version FROM catalog.products WHERE id = ?", product)).isEqualTo(version);
    }

    @Test
    void badInputIs400NamingTheFieldOrA401Or404AndWritesNothing() {
        long product = boughtProductAndBuyer()[0];
        long customer = strangers(product, 1).get(0);
        long reviews = count("SELECT count(*) FROM catalog.reviews");
        String path = "/products/" + product + "/reviews";
        for (String body : List.of("{\"rating\":0}", "{\"rating\":6}", "{\"rating\":\"five\"}", "{}", "{\"rating\":null}",
                "{\"rating\":3,\"rating\":4}", "{\"rating\":3} trailing", "[]", "{\"rating\":3.5}",
                "{\"rating\":3,\"body\":\"" + "x".repeat(2001) + "\"}", "{\"rating\":3,\"body\":7}", "{\"rating\":3,\"body\":\"a\\u0000b\"}")) {
            given().auth().oauth2(Tokens.customer(customer)).contentType(ContentType.JSON).body(body)
                    .when().post(path)
                    .then().statusCode(400).contentType("application/problem+json");
        }
        given().auth().oauth2(Tokens.customer(customer)).contentType(ContentType.JSON).when().post(path)
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"rating\":3}").when().post(path).then().statusCode(401);
        given().auth().oauth2(Tokens.foreignSignature(customer)).contentType(ContentType.JSON).body("{\"rating\":3}")
                .when().post(path).then().statusCode(401);
        given().auth().oauth2(Tokens.customer(customer)).contentType(ContentType.JSON).body("{\"rating\":3}")
                .when().post("/products/999999999/reviews").then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(Tokens.customer(customer)).contentType(ContentType.JSON).body("{\"rating\":3}")
                .when().post("/products/abc/reviews").then().statusCode(400).body("detail", containsString("id"));
        assertThat(count("SELECT count(*) FROM catalog.reviews")).isEqualTo(reviews);

        // Exactly 2,000 characters (an emoji is one) is accepted.
        given().auth().oauth2(Tokens.customer(customer)).contentType(ContentType.JSON)
                .body("{\"rating\":3,\"body\":\"" + "\uD83D\uDE00".repeat(2000) + "\"}")
                .when().post(path).then().statusCode(201);
    }

    @Test
    void pagesWalkEveryReviewNewestFirstWithoutRepeats() {
        long product = TestData.single(db, Long.class, """
                SELECT product_id FROM catalog.reviews r JOIN catalog.products p ON p.id = r.product_id
                 WHERE p.is_active GROUP BY product_id HAVING count(*) BETWEEN 7 AND 40 ORDER BY product_id LIMIT 1""");
        long total = count("SELECT count(*) FROM catalog.reviews WHERE product_id = ?", product);
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = given().queryParam("limit", 3)
                    .when().get("/products/" + product + "/reviews" + (cursor == null ? "" : "?cursor=" + cursor))
                    .then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id", Long.class));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertThat(seen).hasSize((int) total).doesNotHaveDuplicates()
                .isEqualTo(TestData.column(db, Long.class,
                        "SELECT id FROM catalog.reviews WHERE product_id = ? ORDER BY created_at DESC, id DESC", product));

        given().when().get("/products/" + product + "/reviews?limit=0").then().statusCode(400);
        given().when().get("/products/" + product + "/reviews?cursor=garbage").then().statusCode(400);
        given().when().get("/products/999999999/reviews").then().statusCode(404);
    }
}
