package io.shop.catalog.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.shop.common.testing.TestData;
import io.shop.common.testing.TestServers;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Readiness means "can serve". With PostgreSQL down a catalog instance still answers cached pages, so it stays
 * ready (in Kubernetes it keeps its place in the Service) and alive; it serves again from PostgreSQL once the
 * database is back, without a restart. PostgreSQL here is the tests' own, stopped for real.
 */
@QuarkusTest
class ReadinessTest {

    @Inject
    AgroalDataSource db;

    @Test
    void staysReadyAndServesCachedPagesWhilePostgresIsDown() {
        TestData.ensureSmallDataset(db);
        long cached = TestData.single(db, Long.class, "SELECT id FROM catalog.products WHERE is_active ORDER BY id LIMIT 1 OFFSET 21");
        long notCached = TestData.single(db, Long.class, "SELECT id FROM catalog.products WHERE is_active ORDER BY id LIMIT 1 OFFSET 22");
        given().when().get("/products/" + cached).then().statusCode(200);

        TestServers.Server.POSTGRES.stop();
        try {
            given().when().get("/q/health/ready").then().statusCode(200);
            given().when().get("/q/health/live").then().statusCode(200);
            given().when().get("/products/" + cached).then().statusCode(200).body("id", equalTo((int) cached));
            given().when().get("/products/" + notCached).then().statusCode(503)
                    .contentType("application/problem+json");
        } finally {
            TestServers.Server.POSTGRES.start();
            // The test's own JDBC connections died with the server: later tests of this application get new ones.
            db.flush(AgroalDataSource.FlushMode.ALL);
        }
        await("reads from PostgreSQL again, without a restart").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> given().when().get("/products/" + notCached).statusCode() == 200);
    }
}
