package io.shop.order.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shop.common.testing.TestData;
import io.shop.order.Shop;
import io.shop.common.testing.Tokens;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every bad checkout gets a problem+json answer naming what is wrong, and writes nothing at all. */
@QuarkusTest
class BadCheckoutInputTest {

    static final long CUSTOMER = 150;

    @Inject
    AgroalDataSource db;

    long variant;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
        variant = Shop.variantsWithStock(db, 1, 50).get(0);
    }

    private void assertRejected(String body, int status, String field) {
        long written = Shop.rowsWrittenFor(db, CUSTOMER);
        var response = given().auth().oauth2(Tokens.customer(CUSTOMER)).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(ContentType.JSON).body(body).when().post("/orders")
                .then().statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status)).body(not(containsString("Exception")));
        if (field != null) {
            response.body("'invalid-params'.name", hasItem(field));
        }
        assertThat(Shop.rowsWrittenFor(db, CUSTOMER)).as("nothing written").isEqualTo(written);
        assertThat(Shop.stockOf(db, variant)).isEqualTo(50);
    }

    @Test
    void shouldRejectEmptyLines() {
        assertRejected("{\"lines\":[]}", 400, "lines");
        assertRejected("{}", 400, "lines");
    }

    @Test
    void shouldRejectQuantitiesOutOfBounds() {
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":0}]}", 400, "lines[0].quantity");
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":-3}]}", 400, "lines[0].quantity");
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":101}]}", 400, "lines[0].quantity");
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":99999999999999}]}", 400, "lines[0].quantity");
    }

    @Test
    void shouldRejectUnknownVariant() {
        assertRejected("{\"lines\":[{\"variantId\":987654321,\"quantity\":1}]}", 400, "lines.variantId");
    }

    @Test
    void shouldRejectDuplicateVariantLines() {
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1},{\"variantId\":" + variant
                + ",\"quantity\":2}]}", 400, "lines[1].variantId");
    }

    @Test
    void shouldRejectDuplicateKeysAndTrailingContent() {
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1,\"variantId\":" + (variant + 1) + "}]}",
                400, "variantId");
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}],\"lines\":[]}", 400, "lines");
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]} []", 400, "body");
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":null}]}", 400, null);
    }

    @Test
    void shouldRejectFieldsTheClientMustNotSet() {
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1,\"price\":0.01}]}", 400, "price");
        assertRejected("{\"userId\":1,\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]}", 400, "userId");
    }

    @Test
    void shouldRejectWhatIsNotJson() {
        assertRejected("lines=1", 400, "body");
        assertRejected("{\"lines\":\"all of them\"}", 400, "lines");
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":\"two\"}]}", 400, "lines[0].quantity");
    }

    @Test
    void shouldRejectOversizedBody() {
        String padding = " ".repeat(20_000);
        assertRejected("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]}" + padding, 413, null);
    }

    @Test
    void shouldRequireIdempotencyKey() {
        long written = Shop.rowsWrittenFor(db, CUSTOMER);
        given().auth().oauth2(Tokens.customer(CUSTOMER)).contentType(ContentType.JSON)
                .body("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]}").when().post("/orders")
                .then().statusCode(400).contentType("application/problem+json")
                .body("'invalid-params'.name", hasItem("Idempotency-Key"));
        given().auth().oauth2(Tokens.customer(CUSTOMER)).header("Idempotency-Key", "x".repeat(101)).contentType(ContentType.JSON)
                .body("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]}").when().post("/orders")
                .then().statusCode(400).body("'invalid-params'.name", hasItem("Idempotency-Key"));
        assertThat(Shop.rowsWrittenFor(db, CUSTOMER)).isEqualTo(written);
    }
}
