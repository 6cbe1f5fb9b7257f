package io.shop.catalog.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.shop.common.events.Topics;
import io.shop.common.testing.KafkaTopics;
import io.shop.common.testing.TestData;
import io.shop.common.testing.Tokens;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An admin write's and a review's events leave for the broker when they commit, not at the relay's next poll. The
 * poll is an hour apart here: only the wake after the commit can publish them within the test.
 */
@QuarkusTest
@TestProfile(PublishOnCommitTest.RelayPollingHourly.class)
class PublishOnCommitTest {

    public static class RelayPollingHourly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shop.outbox.relay-enabled", "true", "shop.outbox.poll-interval", "PT1H");
        }
    }

    @Inject
    AgroalDataSource db;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
        // What other tests left in the outbox goes out in the relay's first drains, at start; wait for the end of it,
        // so that nothing but the writes below can wake it.
        await("outbox drained at start").atMost(Duration.ofSeconds(30))
                .until(() -> TestData.single(db, Long.class, "SELECT count(*) FROM catalog.outbox") == 0);
    }

    private long activeProduct(int offset) {
        return TestData.single(db, Long.class,
                "SELECT id FROM catalog.products WHERE is_active ORDER BY id LIMIT 1 OFFSET ?", offset);
    }

    private static List<JsonObject> eventsOf(long product, Map<TopicPartition, Long> from) {
        List<ConsumerRecord<String, String>> records = KafkaTopics.read(Topics.PRODUCT_CHANGED, from,
                r -> String.valueOf(product).equals(r.key()), 1, Duration.ofSeconds(10));
        return records.stream().map(r -> new JsonObject(r.value())).toList();
    }

    @Test
    void shouldPublishAPriceChangeWhenItCommits() {
        long id = activeProduct(23);
        Map<TopicPartition, Long> from = KafkaTopics.endOffsets(Topics.PRODUCT_CHANGED);

        given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON).body("{\"price\": 123.45}")
                .when().patch("/admin/products/" + id).then().statusCode(200);

        List<JsonObject> events = eventsOf(id, from);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getJsonObject("payload").getString("change")).isEqualTo("price");
        assertThat(TestData.single(db, Long.class, "SELECT count(*) FROM catalog.outbox")).isZero();
    }

    @Test
    void shouldPublishAReviewWhenItCommits() {
        long id = activeProduct(24);
        long customer = TestData.single(db, Long.class, """
                SELECT u.id FROM orders.users u
                 WHERE NOT EXISTS (SELECT 1 FROM catalog.reviews r WHERE r.product_id = ? AND r.user_id = u.id)
                 ORDER BY u.id DESC LIMIT 1""", id);
        Map<TopicPartition, Long> from = KafkaTopics.endOffsets(Topics.PRODUCT_CHANGED);

        given().auth().oauth2(Tokens.customer(customer)).contentType(ContentType.JSON)
                .body("{\"rating\": 4, \"text\": \"fine\"}")
                .when().post("/products/" + id + "/reviews").then().statusCode(201);

        List<JsonObject> events = eventsOf(id, from);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getJsonObject("payload").getString("change")).isEqualTo("rating");
    }
}
