package io.shop.order.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.shop.common.testing.TestData;
import io.shop.order.Shop;
import io.shop.common.testing.Tokens;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CheckoutTest {

    static final long CUSTOMER = 101;

    @Inject
    AgroalDataSource db;

    @TestHTTPResource("/orders")
    URL ordersUrl;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    static String body(long variantId, int quantity) {
        return "{\"lines\":[{\"variantId\":" + variantId + ",\"quantity\":" + quantity + "}]}";
    }

    Response checkout(long userId, String key, String body) {
        return given().auth().oauth2(Tokens.customer(userId)).header("Idempotency-Key", key)
                .contentType(ContentType.JSON).body(body).when().post("/orders");
    }

    @Test
    void shouldPlaceOrderAtDatabasePricesAndDecrementStock() {
        long variant = Shop.variantsWithStock(db, 1, 5).get(0);
        BigDecimal price = TestData.single(db, BigDecimal.class, """
                SELECT p.base_price FROM catalog.products p JOIN catalog.product_variants v ON v.product_id = p.id
                 WHERE v.id = ?""", variant);

        java.sql.Timestamp start = TestData.single(db, java.sql.Timestamp.class, "SELECT clock_timestamp()::timestamp");
        Response placed = checkout(CUSTOMER, UUID.randomUUID().toString(), body(variant, 2));

        placed.then().statusCode(201).contentType(ContentType.JSON)
                .header("Location", containsString("/orders/"))
                .body("status", equalTo("PLACED")).body("itemCount", equalTo(2))
                .body("lines[0].variantId", equalTo((int) variant)).body("lines[0].productName", equalTo(
                        TestData.single(db, String.class, "SELECT p.name FROM catalog.products p JOIN catalog.product_variants v ON v.product_id = p.id WHERE v.id = ?", variant)));
        assertThat(new BigDecimal(placed.path("total").toString())).isEqualByComparingTo(price.multiply(BigDecimal.valueOf(2)));
        assertThat(Shop.stockOf(db, variant)).isEqualTo(3);
        long orderId = ((Number) placed.path("id")).longValue();
        // The order's events were written in the same transaction, for the relay to publish (off in this profile).
        long product = TestData.single(db, Long.class, "SELECT product_id FROM catalog.product_variants WHERE id = ?", variant);
        List<String> events = TestData.column(db, String.class, """
                SELECT type FROM orders.outbox WHERE occurred_at >= ?::timestamptz
                   AND ((aggregatetype = 'order' AND aggregateid = ?) OR (aggregatetype = 'product' AND aggregateid = ?))
                 ORDER BY type""", start, String.valueOf(orderId), String.valueOf(product));
        assertThat(events).containsExactly("OrderPlaced", "ProductChanged");
        // The product event carries the product's version as the stock trigger left it: what caches compare.
        assertThat(TestData.single(db, String.class, """
                SELECT (payload ->> 'change') || '/' || version FROM orders.outbox
                 WHERE occurred_at >= ?::timestamptz AND aggregatetype = 'product' AND aggregateid = ?""",
                start, String.valueOf(product)))
                .isEqualTo("stock/" + TestData.single(db, Long.class, "SELECT version FROM catalog.products WHERE id = ?", product));
    }

    @Test
    void shouldAnswerTheOrderAsStoredAndCarryTheTriggersVersionForTwoVariantsOfOneProduct() {
        List<Long> variants = TestData.column(db, Long.class, """
                SELECT i.product_variant_id FROM catalog.inventory i
                  JOIN catalog.product_variants v ON v.id = i.product_variant_id
                 WHERE v.product_id = (SELECT v2.product_id FROM catalog.product_variants v2
                                         JOIN catalog.inventory i2 ON i2.product_variant_id = v2.id
                                         JOIN catalog.products p ON p.id = v2.product_id
                                        WHERE p.is_active AND i2.quantity_available > 2
                                        GROUP BY v2.product_id HAVING count(*) >= 2 ORDER BY v2.product_id DESC LIMIT 1)
                   AND i.quantity_available > 2
                 ORDER BY 1 LIMIT 2""");
        long product = TestData.single(db, Long.class, "SELECT product_id FROM catalog.product_variants WHERE id = ?", variants.get(0));
        long versionBefore = TestData.single(db, Long.class, "SELECT version FROM catalog.products WHERE id = ?", product);
        java.sql.Timestamp start = TestData.single(db, java.sql.Timestamp.class, "SELECT clock_timestamp()::timestamp");

        Response placed = checkout(CUSTOMER, UUID.randomUUID().toString(), "{\"lines\":[{\"variantId\":" + variants.get(1)
                + ",\"quantity\":1},{\"variantId\":" + variants.get(0) + ",\"quantity\":2}]}");

        placed.then().statusCode(201);
        long orderId = ((Number) placed.path("id")).longValue();
        // What the checkout answered (written before the order row was) is the order as stored.
        given().auth().oauth2(Tokens.customer(CUSTOMER)).when().get("/orders/" + orderId).then().statusCode(200)
                .body("createdAt", equalTo(placed.path("createdAt"))).body("total", equalTo(placed.path("total")))
                .body("itemCount", equalTo(3)).body("version", equalTo(placed.path("version")));
        long versionAfter = TestData.single(db, Long.class, "SELECT version FROM catalog.products WHERE id = ?", product);
        assertThat(versionAfter).isEqualTo(versionBefore + 2);
        assertThat(TestData.single(db, Long.class, """
                SELECT version FROM orders.outbox
                 WHERE occurred_at >= ?::timestamptz AND aggregatetype = 'product' AND aggregateid = ?""",
                start, String.valueOf(product))).isEqualTo(versionAfter);
    }

    @Test
    void shouldReplayTheFirstResponseByteForByte() {
        long variant = Shop.variantsWithStock(db, 1, 5).get(0);
        String key = UUID.randomUUID().toString();

        String first = checkout(CUSTOMER, key, body(variant, 1)).then().statusCode(201).extract().asString();
        String again = checkout(CUSTOMER, key, body(variant, 1)).then().statusCode(201).extract().asString();

        assertThat(again).isEqualTo(first);
        assertThat(Shop.stockOf(db, variant)).isEqualTo(4);
    }

    @Test
    void shouldRejectTheSameKeyWithAnotherBody() {
        long variant = Shop.variantsWithStock(db, 1, 5).get(0);
        String key = UUID.randomUUID().toString();
        checkout(CUSTOMER, key, body(variant, 1)).then().statusCode(201);

        checkout(CUSTOMER, key, body(variant, 2)).then().statusCode(422).contentType("application/problem+json")
                .body("title", equalTo("Idempotency-Key reused"));
        assertThat(Shop.stockOf(db, variant)).isEqualTo(4);
    }

    @Test
    void shouldScopeKeysToTheUser() {
        long variant = Shop.variantsWithStock(db, 1, 5).get(0);
        String key = UUID.randomUUID().toString();
        checkout(CUSTOMER, key, body(variant, 1)).then().statusCode(201);
        checkout(CUSTOMER + 1, key, body(variant, 1)).then().statusCode(201);
        assertThat(Shop.stockOf(db, variant)).isEqualTo(3);
    }

    @Test
    void shouldAnswerOutOfStockNamingTheVariantAndWriteNoOrder() {
        List<Long> variants = Shop.variantsWithStock(db, 2, 1);
        long before = TestData.single(db, Long.class, "SELECT count(*) FROM orders.orders WHERE user_id = ?", CUSTOMER);
        String twoLines = "{\"lines\":[{\"variantId\":" + variants.get(0) + ",\"quantity\":1},"
                + "{\"variantId\":" + variants.get(1) + ",\"quantity\":2}]}";
        String key = UUID.randomUUID().toString();

        String first = checkout(CUSTOMER, key, twoLines).then().statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Out of stock"))
                .body("detail", containsString("variant " + variants.get(1)))
                .extract().asString();

        assertThat(Shop.stockOf(db, variants.get(0))).as("no partial order").isEqualTo(1);
        assertThat(TestData.single(db, Long.class, "SELECT count(*) FROM orders.orders WHERE user_id = ?", CUSTOMER))
                .isEqualTo(before);
        assertThat(checkout(CUSTOMER, key, twoLines).then().statusCode(409).extract().asString()).isEqualTo(first);
    }

    @Test
    void shouldSellExactlyTheStockToConcurrentBuyers() {
        long variant = Shop.variantsWithStock(db, 1, 10).get(0);
        long unitsBefore = Shop.unitsOrdered(db, variant);

        List<HttpResponse<String>> responses = concurrently(200, i -> post(200 + i, UUID.randomUUID().toString(), body(variant, 1)));

        Map<Integer, Long> byStatus = responses.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        assertThat(byStatus).containsExactlyInAnyOrderEntriesOf(Map.of(201, 10L, 409, 190L));
        assertThat(Shop.stockOf(db, variant)).isZero();
        assertThat(Shop.unitsOrdered(db, variant) - unitsBefore).as("units conserved").isEqualTo(10);
        responses.stream().filter(r -> r.statusCode() == 409)
                .forEach(r -> assertThat(r.body()).contains("variant " + variant));
    }

    @Test
    void shouldNotDeadlockOnLinesInOppositeOrders() {
        List<Long> ab = Shop.variantsWithStock(db, 2, 1000);
        long a = ab.get(0);
        long b = ab.get(1);

        List<HttpResponse<String>> responses = concurrently(500, i -> post(300 + i % 50, UUID.randomUUID().toString(),
                i % 2 == 0
                        ? "{\"lines\":[{\"variantId\":" + a + ",\"quantity\":1},{\"variantId\":" + b + ",\"quantity\":1}]}"
                        : "{\"lines\":[{\"variantId\":" + b + ",\"quantity\":1},{\"variantId\":" + a + ",\"quantity\":1}]}"));

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(201));
        assertThat(Shop.stockOf(db, a)).isEqualTo(500);
        assertThat(Shop.stockOf(db, b)).isEqualTo(500);
    }

    @Test
    void shouldMakeOneOrderForOneKeySentConcurrently() {
        long variant = Shop.variantsWithStock(db, 1, 100).get(0);
        String key = UUID.randomUUID().toString();

        List<HttpResponse<String>> responses = concurrently(50, i -> post(CUSTOMER, key, body(variant, 1)));

        assertThat(Shop.stockOf(db, variant)).isEqualTo(99);
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(201, 409));
        List<String> placed = responses.stream().filter(r -> r.statusCode() == 201).map(HttpResponse::body).distinct().toList();
        assertThat(placed).as("every 201 is the same order, byte for byte").hasSize(1);
        responses.stream().filter(r -> r.statusCode() == 409)
                .forEach(r -> assertThat(r.body()).contains("still being processed"));
    }

    @Test
    void shouldKeepWhatWasBoughtWhenTheCatalogChanges() {
        long variant = Shop.variantsWithStock(db, 1, 3).get(0);
        long product = TestData.single(db, Long.class, "SELECT product_id FROM catalog.product_variants WHERE id = ?", variant);
        String name = TestData.single(db, String.class, "SELECT name FROM catalog.products WHERE id = ?", product);
        long id = ((Number) checkout(CUSTOMER, UUID.randomUUID().toString(), body(variant, 1)).path("id")).longValue();
        try {
            TestData.execute(db, "UPDATE catalog.products SET name = 'Renamed' WHERE id = ?", product);
            given().auth().oauth2(Tokens.customer(CUSTOMER)).when().get("/orders/" + id)
                    .then().statusCode(200).body("lines[0].productName", equalTo(name));
        } finally {
            TestData.execute(db, "UPDATE catalog.products SET name = ? WHERE id = ?", name, product);
        }
    }

    @Test
    void shouldListTheOrderJustPlaced() {
        long variant = Shop.variantsWithStock(db, 1, 3).get(0);
        long id = ((Number) checkout(CUSTOMER, UUID.randomUUID().toString(), body(variant, 1)).path("id")).longValue();
        given().auth().oauth2(Tokens.customer(CUSTOMER)).when().get("/orders?limit=5")
                .then().statusCode(200).body("items.id", hasItem((int) id));
    }

    private HttpRequest post(long userId, String key, String body) {
        return HttpRequest.newBuilder(URI.create(ordersUrl.toString()))
                .header("Authorization", "Bearer " + Tokens.customer(userId))
                .header("Idempotency-Key", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Sends all requests at once (tokens are signed first) and waits for every answer. */
    private static List<HttpResponse<String>> concurrently(int count, IntFunction<HttpRequest> request) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<HttpRequest> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(request.apply(i));
        }
        List<CompletableFuture<HttpResponse<String>>> futures = requests.stream()
                .map(r -> client.sendAsync(r, HttpResponse.BodyHandlers.ofString())).toList();
        return futures.stream().map(CompletableFuture::join).toList();
    }
}
