package io.shop.order.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shop.common.testing.TestData;
import io.shop.order.Shop;
import io.shop.common.testing.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Orders are private: only a valid token opens them, and only its own customer's. */
@QuarkusTest
class OrderAccessTest {

    static final long ALICE = 51;
    static final long BOB = 52;

    @Inject
    AgroalDataSource db;

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    private long placeOrder(long userId, long variant) {
        return ((Number) given().auth().oauth2(Tokens.customer(userId)).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(ContentType.JSON).body("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":2}]}")
                .when().post("/orders").then().statusCode(201).extract().path("id")).longValue();
    }

    @Test
    void shouldNotShowOrListOrCancelAnotherCustomersOrder() {
        long order = placeOrder(ALICE, Shop.variantsWithStock(db, 1, 5).get(0));

        given().auth().oauth2(Tokens.customer(ALICE)).when().get("/orders/" + order).then().statusCode(200)
                .body("id", equalTo((int) order));
        given().auth().oauth2(Tokens.customer(BOB)).when().get("/orders/" + order).then().statusCode(404)
                .contentType("application/problem+json").body("detail", equalTo("No order with id " + order));
        given().auth().oauth2(Tokens.customer(BOB)).when().get("/orders/999999999").then().statusCode(404)
                .body("detail", equalTo("No order with id 999999999"));
        given().auth().oauth2(Tokens.customer(BOB)).when().get("/orders?limit=100").then().statusCode(200)
                .body("items.id", not(hasItem((int) order)));
        given().auth().oauth2(Tokens.customer(BOB)).when().post("/orders/" + order + "/cancel").then().statusCode(404);
        given().auth().oauth2(Tokens.customer(ALICE)).when().get("/orders/" + order).then().body("status", equalTo("PLACED"));
    }

    @Test
    void shouldRefuseMissingAndForgedTokens() {
        List<String> refused = List.of(Tokens.expired(ALICE), Tokens.wrongIssuer(ALICE), Tokens.foreignSignature(ALICE),
                Tokens.unsigned(ALICE), "not-a-token");
        for (String token : refused) {
            given().auth().oauth2(token).when().get("/orders").then().statusCode(401)
                    .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        }
        given().when().get("/orders").then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k").body("{\"lines\":[]}")
                .when().post("/orders").then().statusCode(401);
    }

    /**
     * The service verifies a token once and reuses the verification for its next requests (shop-auth
     * VerifiedTokenCache), while any token that differs from it, however slightly, is verified and refused.
     */
    @Test
    void shouldVerifyARepeatedTokenOnceAndStillRefuseItsForgeries() {
        String token = Tokens.customer(ALICE);
        double cachedBefore = registry.counter("auth.token.verifications", "result", "cached").count();
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(token).when().get("/orders").then().statusCode(200);
        }
        assertThat(registry.counter("auth.token.verifications", "result", "cached").count() - cachedBefore)
                .isGreaterThanOrEqualTo(2);

        for (String forged : Tokens.forgeriesOf(token)) {
            given().auth().oauth2(forged).when().get("/orders").then().statusCode(401)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void shouldCancelAnUnshippedOrderAndReturnItsStock() {
        long variant = Shop.variantsWithStock(db, 1, 5).get(0);
        long order = placeOrder(ALICE, variant);
        assertThat(Shop.stockOf(db, variant)).isEqualTo(3);

        given().auth().oauth2(Tokens.customer(ALICE)).when().post("/orders/" + order + "/cancel")
                .then().statusCode(200).body("status", equalTo("CANCELLED"));

        assertThat(Shop.stockOf(db, variant)).isEqualTo(5);
        assertThat(TestData.column(db, String.class,
                "SELECT type FROM orders.outbox WHERE aggregatetype = 'order' AND aggregateid = ? ORDER BY occurred_at",
                String.valueOf(order))).containsExactly("OrderPlaced", "OrderCancelled");
        given().auth().oauth2(Tokens.customer(ALICE)).when().post("/orders/" + order + "/cancel")
                .then().statusCode(409).contentType("application/problem+json");
        assertThat(Shop.stockOf(db, variant)).isEqualTo(5);
    }

    @Test
    void shouldNotCancelAShippedOrder() {
        long variant = Shop.variantsWithStock(db, 1, 5).get(0);
        long order = placeOrder(ALICE, variant);

        given().auth().oauth2(Tokens.customer(ALICE)).when().post("/admin/orders/" + order + "/ship")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(Tokens.admin(1)).when().post("/admin/orders/" + order + "/ship")
                .then().statusCode(200).body("status", equalTo("SHIPPED"));
        assertThat(TestData.column(db, String.class,
                "SELECT type || ' ' || (payload ->> 'status') || ' ' || (payload ->> 'userId') FROM orders.outbox"
                        + " WHERE aggregatetype = 'order' AND aggregateid = ? ORDER BY seq", String.valueOf(order)))
                .containsExactly("OrderPlaced PLACED " + ALICE, "OrderShipped SHIPPED " + ALICE);

        given().auth().oauth2(Tokens.customer(ALICE)).when().post("/orders/" + order + "/cancel")
                .then().statusCode(409).body("detail", equalTo("Order " + order + " is SHIPPED; only PLACED or PAID orders can be cancelled"));
        assertThat(Shop.stockOf(db, variant)).isEqualTo(3);
    }

    @Test
    void shouldRejectNonNumericOrderId() {
        given().auth().oauth2(Tokens.customer(ALICE)).when().get("/orders/abc").then().statusCode(400)
                .body("'invalid-params'.name", hasItem("id"));
    }

    @Test
    void shouldIssueDevTokensOnlyForValidRequests() {
        String token = given().contentType(ContentType.JSON).body("{\"userId\":" + ALICE + "}").when().post("/dev/tokens")
                .then().statusCode(200).extract().path("token");
        given().auth().oauth2(token).when().get("/orders?limit=1").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"userId\":1,\"roles\":[\"root\"]}").when().post("/dev/tokens")
                .then().statusCode(400).contentType("application/problem+json");
    }
}
