package io.shop.order.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.shop.common.events.Topics;
import io.shop.common.events.Watermark;
import io.shop.common.testing.KafkaTopics;
import io.shop.common.testing.TestData;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared outbox relay against the real broker: rows committed to orders.outbox reach their topics, keyed by
 * aggregate id, in insertion order, and leave the table only once published.
 */
@QuarkusTest
@TestProfile(OutboxRelayTest.RelayOn.class)
class OutboxRelayTest {

    public static class RelayOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shop.outbox.relay-enabled", "true");
        }
    }

    @Inject
    AgroalDataSource db;

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    private void insertEvent(UUID id, String aggregateType, long aggregateId, long version, String payload) {
        TestData.execute(db, """
                INSERT INTO orders.outbox (id, aggregatetype, aggregateid, type, version, payload)
                VALUES (?::uuid, ?, ?, 'ProductChanged', ?, ?::jsonb)""",
                id.toString(), aggregateType, String.valueOf(aggregateId), version, payload);
    }

    @Test
    void committedRowsArePublishedInOrderAndThenDeleted() {
        long product = 900_000_000L + (System.nanoTime() % 1_000_000);
        List<UUID> ids = new ArrayList<>();
        for (int version = 1; version <= 20; version++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            insertEvent(id, Topics.AGGREGATE_PRODUCT, product, version,
                    "{\"productId\": " + product + ", \"change\": \"stock\", \"listingChanged\": false, \"featured\": false}");
        }

        List<JsonObject> published = KafkaTopics.readFromStart(Topics.PRODUCT_CHANGED,
                        r -> String.valueOf(product).equals(r.key()), 20, Duration.ofSeconds(20))
                .stream().map(r -> new JsonObject(r.value())).toList();

        assertThat(published).extracting(e -> e.getString("id")).containsExactlyElementsOf(ids.stream().map(UUID::toString).toList());
        assertThat(published).extracting(e -> e.getLong("version")).isSorted();
        JsonObject first = published.get(0);
        assertThat(first.getString("aggregatetype")).isEqualTo("product");
        assertThat(first.getString("type")).isEqualTo("ProductChanged");
        assertThat(first.getString("occurred_at")).isNotBlank();
        assertThat(first.getJsonObject("payload").getLong("productId")).isEqualTo(product);
        // Deleted only after the broker acknowledged them.
        await("published rows deleted from the outbox").atMost(Duration.ofSeconds(5)).until(() -> remaining(ids) == 0);
    }

    /** A payload that is no JSON object (written by hand, or by a bug) goes out as it is: the relay never stalls. */
    @Test
    void aPayloadThatIsNotAnObjectIsPublishedAndDoesNotBlockTheRowsAfterIt() {
        long product = 910_000_000L + (System.nanoTime() % 1_000_000);
        UUID odd = UUID.randomUUID();
        UUID next = UUID.randomUUID();
        insertEvent(odd, Topics.AGGREGATE_PRODUCT, product, 1, "\"{\\\"productId\\\": 1}\"");
        insertEvent(next, Topics.AGGREGATE_PRODUCT, product, 2,
                "{\"productId\": " + product + ", \"change\": \"stock\", \"listingChanged\": false, \"featured\": false}");

        List<JsonObject> published = KafkaTopics.readFromStart(Topics.PRODUCT_CHANGED,
                        r -> String.valueOf(product).equals(r.key()), 2, Duration.ofSeconds(20))
                .stream().map(r -> new JsonObject(r.value())).toList();

        assertThat(published).extracting(e -> e.getString("id")).containsExactly(odd.toString(), next.toString());
        assertThat(published.get(0).getValue("payload")).isEqualTo("{\"productId\": 1}");
        await("published rows deleted from the outbox").atMost(Duration.ofSeconds(5))
                .until(() -> remaining(List.of(odd, next)) == 0);
    }

    /**
     * An idle relay (nothing in its table) keeps vouching for the table with watermarks whose time moves on, which
     * the catalogs' freshness depends on, and does it without a transaction or the relay lock per poll.
     */
    @Test
    void anIdleRelayKeepsVouchingForItsTableWithoutTakingTheRelayLock() {
        await("outbox drained").atMost(Duration.ofSeconds(20))
                .until(() -> TestData.single(db, Long.class, "SELECT count(*) FROM orders.outbox") == 0);
        long since = TestData.single(db, Long.class, "SELECT (extract(epoch FROM now()) * 1000)::bigint");
        long locksBefore = relayLocksTaken();

        List<JsonObject> watermarks = KafkaTopics.readFromStart(Topics.PRODUCT_CHANGED, r -> {
                    // The topic also holds what other tests sent, poison records that are no JSON among them.
                    JsonObject value = jsonObjectOrEmpty(r.value());
                    return Watermark.TYPE.equals(value.getString("type")) && "orders.outbox".equals(value.getString("source"))
                            && value.getLong("through") > since && r.partition() == 0;
                }, 3, Duration.ofSeconds(20)).stream().map(r -> new JsonObject(r.value())).toList();

        assertThat(watermarks).as("watermarks for the idle table").hasSize(3);
        assertThat(watermarks).extracting(w -> w.getLong("through")).isSorted().doesNotHaveDuplicates();
        assertThat(relayLocksTaken()).as("relay lock taken while idle").isEqualTo(locksBefore);
    }

    private static JsonObject jsonObjectOrEmpty(String value) {
        try {
            return new JsonObject(value);
        } catch (DecodeException | ClassCastException e) {
            return new JsonObject();
        }
    }

    /** Calls of the drain's lock statement in this database (pg_stat_statements). */
    private long relayLocksTaken() {
        return TestData.single(db, Long.class, """
                SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                 WHERE d.datname = current_database() AND s.query LIKE '%pg_advisory_xact_lock%'""");
    }

    private long remaining(List<UUID> ids) {
        return TestData.single(db, Long.class, "SELECT count(*) FROM orders.outbox WHERE id = ANY(?::uuid[])",
                "{" + String.join(",", ids.stream().map(UUID::toString).toList()) + "}");
    }
}
