package io.shop.catalog.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.shop.catalog.config.CatalogConfig;
import io.shop.common.testing.TestData;
import io.shop.common.testing.TestServers;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The default policy behind the staleness bound (here always: no invalidator runs beside these tests, so no progress
 * arrives): reads bypass both cache levels and fill neither. If the database is unreachable too, a cached page is
 * served rather than an error, even while Redis is slow; an uncached one gets 503.
 */
@QuarkusTest
@TestProfile(BehindTheBoundTest.Bypass.class)
class BehindTheBoundTest {

    public static class Bypass implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.cache.when-behind", "bypass");
        }
    }

    @Inject
    RedisL2 l2;

    @Inject
    MeterRegistry meters;

    @Inject
    AgroalDataSource db;

    @Inject
    CatalogConfig config;

    @Test
    void readsGoToPostgresAndACachedPageIsServedWhenPostgresIsAway() throws Exception {
        TestData.ensureSmallDataset(db);
        long id = TestData.single(db, Long.class, "SELECT id FROM catalog.products WHERE is_active ORDER BY id LIMIT 1 OFFSET 31");
        long uncached = TestData.single(db, Long.class, "SELECT id FROM catalog.products WHERE is_active ORDER BY id LIMIT 1 OFFSET 32");
        String page = given().when().get("/products/" + id).then().statusCode(200).extract().asString();
        double loads = loads();
        given().when().get("/products/" + id).then().statusCode(200);
        assertThat(loads()).as("behind the bound, every read goes to PostgreSQL").isEqualTo(loads + 1);

        // The page as an instance would have cached it while it was fresh.
        RedisL2.Read read = l2.getProduct(id).await().indefinitely();
        long version = given().when().get("/products/" + id).then().extract().jsonPath().getLong("version");
        assertThat(l2.fillProduct(id, read, version, page).await().indefinitely())
                .isIn(RedisL2.Fill.INSTALLED, RedisL2.Fill.ALREADY_NEWER);

        TestServers.Server.POSTGRES.stop();
        try {
            assertThat(given().when().get("/products/" + id).then().statusCode(200).extract().asString()).isEqualTo(page);
            assertThat(meters.find("cache.served.database.away").counter().count()).isPositive();
            // Redis slower than catalog.cache.redis-timeout (a busy host): with the database away, Redis is all there
            // is, so the read waits for it rather than answering 503.
            TestServers.Server.REDIS.freeze();
            CompletableFuture<Integer> duringFreeze =
                    CompletableFuture.supplyAsync(() -> given().when().get("/products/" + id).statusCode());
            try {
                // Frozen for three times the brief Redis timeout: the read must still be waiting, not answered 503.
                Duration brief = config.cache().redisTimeout();
                await("the read waits for the frozen Redis").during(brief.multipliedBy(3))
                        .atMost(brief.multipliedBy(3).plusSeconds(1)).until(() -> !duringFreeze.isDone());
            } finally {
                TestServers.Server.REDIS.thaw();
            }
            assertThat(duringFreeze.get(10, TimeUnit.SECONDS)).as("a cached page while Redis was slow and PostgreSQL away")
                    .isEqualTo(200);
            given().when().get("/products/" + uncached).then().statusCode(503).header("Retry-After", "1")
                    .contentType("application/problem+json");
        } finally {
            TestServers.Server.POSTGRES.start();
            // The test's own JDBC connections died with the server: later tests of this application get new ones.
            db.flush(AgroalDataSource.FlushMode.ALL);
        }
        await("reads from PostgreSQL again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> given().when().get("/products/" + uncached).statusCode() == 200);
    }

    private double loads() {
        return meters.find("cache.loads").tag("cache", CacheName.PRODUCT.tag()).counter().count();
    }
}
