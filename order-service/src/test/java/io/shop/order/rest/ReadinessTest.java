package io.shop.order.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shop.common.testing.TestServers;
import io.shop.common.testing.Tokens;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Readiness means "can serve": without PostgreSQL no checkout, history or order can be served, so order-service
 * reports not ready (Kubernetes takes it out of its Service) while staying alive (no restart would help); requests
 * that do arrive get a 503 problem with Retry-After, not a 500. It is ready again by itself once the database is back.
 */
@QuarkusTest
class ReadinessTest {

    @Test
    void notReadyButAliveWhilePostgresIsDownAndReadyAgainAfter() {
        given().when().get("/q/health/ready").then().statusCode(200);
        TestServers.Server.POSTGRES.stop();
        try {
            await("not ready without PostgreSQL").atMost(Duration.ofSeconds(15))
                    .until(() -> given().when().get("/q/health/ready").statusCode() == 503);
            given().when().get("/q/health/live").then().statusCode(200);
            given().auth().oauth2(Tokens.customer(4242)).contentType(ContentType.JSON)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .body("{\"lines\":[{\"variantId\":1,\"quantity\":1}]}")
                    .when().post("/orders").then().statusCode(503).header("Retry-After", "1")
                    .contentType("application/problem+json");
        } finally {
            TestServers.Server.POSTGRES.start();
        }
        await("ready again, without a restart").atMost(Duration.ofSeconds(30))
                .until(() -> given().when().get("/q/health/ready").statusCode() == 200);
    }
}
