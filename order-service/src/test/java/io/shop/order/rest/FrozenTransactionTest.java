package io.shop.order.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shop.common.testing.TestData;
import io.shop.common.testing.Tokens;
import io.shop.order.Shop;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A process frozen (SIGSTOP, a hung host) in the middle of a checkout leaves its transaction open with the product's
 * row lock held. Here a session of the service's own pool takes that lock and then goes silent, as such a process
 * would. Other checkouts of the product get a 503 with Retry-After while it holds the lock (lock_timeout 5 s, never
 * an endless wait), and succeed once PostgreSQL has ended the silent session (idle_in_transaction_session_timeout
 * 10 s): stock is taken exactly once.
 */
@QuarkusTest
class FrozenTransactionTest {

    @Inject
    Pool pool;

    @Inject
    AgroalDataSource db;

    @Test
    void aSessionFrozenWithTheProductLockLosesItAndCheckoutsGoOn() {
        TestData.ensureSmallDataset(db);
        long variant = Shop.variantsWithStock(db, 1, 50).get(0);
        long product = TestData.single(db, Long.class, "SELECT product_id FROM catalog.product_variants WHERE id = ?", variant);

        SqlConnection frozen = pool.getConnection().await().indefinitely();
        frozen.query("BEGIN").execute().await().indefinitely();
        frozen.preparedQuery("SELECT id FROM catalog.products WHERE id = $1 FOR UPDATE").execute(Tuple.of(product))
                .await().indefinitely();
        long start = System.nanoTime();

        checkout(variant).then().statusCode(503).header("Retry-After", "1").contentType("application/problem+json");
        await("a checkout succeeds once the silent session is ended").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1)).until(() -> checkout(variant).statusCode() == 201);
        assertThat((System.nanoTime() - start) / 1e9).as("seconds until checkouts went on").isLessThan(25);
        assertThat(Shop.stockOf(db, variant)).isEqualTo(49);
        assertThatThrownBy(() -> frozen.query("SELECT 1").execute().await().atMost(Duration.ofSeconds(5)))
                .as("the silent session was ended by PostgreSQL");
        frozen.close().await().indefinitely();
    }

    private static io.restassured.response.Response checkout(long variant) {
        return given().auth().oauth2(Tokens.customer(4343)).contentType(ContentType.JSON)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]}")
                .when().post("/orders");
    }
}
