package io.shop.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.shop.common.cache.CacheKeys;
import io.shop.common.events.Topics;
import io.shop.common.events.Watermark;
import io.shop.common.testing.KafkaTopics;
import io.shop.common.testing.TestServers;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The invalidator against the real broker and Redis: what one product event does, and what poison and outages do. */
@QuarkusTest
class ProductChangeInvalidatorTest {

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry meters;

    private static long freshProduct() {
        return 50_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);
    }

    private static String event(long product, long version, boolean listingChanged, boolean featured) {
        return new JsonObject()
                .put("id", UUID.randomUUID().toString()).put("aggregatetype", "product")
                .put("aggregateid", String.valueOf(product)).put("type", "ProductChanged").put("version", version)
                .put("occurred_at", Instant.now().toString())
                .put("payload", new JsonObject().put("productId", product).put("change", "price")
                        .put("listingChanged", listingChanged).put("featured", featured))
                .encode();
    }

    private String get(String key) {
        Response r = redis.execute("GET", key);
        return r == null ? null : r.toString();
    }

    @Test
    void eventRaisesTheMinimumDeletesTheOlderPageBumpsListsAndBroadcastsTheEviction() {
        long product = freshProduct();
        redis.execute("HSET", CacheKeys.product(product), "v", "3", "b", "{}");
        String searchBefore = get(CacheKeys.SEARCH_GENERATION);
        var from = KafkaTopics.endOffsets(Topics.CACHE_EVICTIONS);

        KafkaTopics.send(Topics.PRODUCT_CHANGED, String.valueOf(product), event(product, 4, true, false));

        await("minimum version 4").atMost(Duration.ofSeconds(30))
                .until(() -> "4".equals(get(CacheKeys.productMinVersion(product))));
        assertThat(redis.execute("EXISTS", CacheKeys.product(product)).toInteger()).isZero();
        assertThat(get(CacheKeys.SEARCH_GENERATION)).isNotEqualTo(searchBefore);
        List<ConsumerRecord<String, String>> evictions = KafkaTopics.read(Topics.CACHE_EVICTIONS, from,
                r -> r.value().contains("\"productId\":" + product), 1, Duration.ofSeconds(10));
        assertThat(evictions).isNotEmpty();
        JsonObject eviction = new JsonObject(evictions.get(0).value());
        JsonObject evicted = eviction.getJsonArray("products").stream().map(JsonObject.class::cast)
                .filter(p -> p.getLong("productId") == product).findFirst().orElseThrow();
        assertThat(evicted.getLong("version")).isEqualTo(4);
        assertThat(evicted.getLong("occurredAt")).isPositive();
        assertThat(eviction.getBoolean("search")).isTrue();
    }

    @Test
    void aWatermarkIsPassedOnAsProgressAfterTheChangesBeforeIt() {
        long product = freshProduct();
        var from = KafkaTopics.endOffsets(Topics.CACHE_EVICTIONS);
        int partition = KafkaTopics.send(Topics.PRODUCT_CHANGED, String.valueOf(product), event(product, 3, false, false));
        long through = System.currentTimeMillis();
        KafkaTopics.sendTo(Topics.PRODUCT_CHANGED, partition, watermark("test.outbox", through));

        List<ConsumerRecord<String, String>> records = KafkaTopics.read(Topics.CACHE_EVICTIONS, from,
                r -> r.value().contains("\"productId\":" + product) || carriesProgress(r, partition, through), 2,
                Duration.ofSeconds(10));
        assertThat(records).as("the eviction, then (or with it) the progress").isNotEmpty();
        ConsumerRecord<String, String> progress = records.stream().filter(r -> carriesProgress(r, partition, through))
                .findFirst().orElseThrow();
        assertThat(records.get(0).value()).as("the eviction comes first").contains("\"productId\":" + product);
        JsonObject entry = new JsonObject(progress.value()).getJsonArray("progress").stream().map(JsonObject.class::cast)
                .filter(p -> "test.outbox".equals(p.getString("source"))).findFirst().orElseThrow();
        assertThat(entry.getInteger("partition")).isEqualTo(partition);
        assertThat(entry.getInteger("partitions")).isEqualTo(3);
        assertThat("3").isEqualTo(get(CacheKeys.productMinVersion(product)));
    }

    @Test
    void poisonEventsGoToTheDeadLetterTopicWithTheReasonAndTheStreamGoesOn() {
        long product = freshProduct();
        String noVersion = event(product, 0, false, false);
        var from = KafkaTopics.endOffsets(Topics.PRODUCT_CHANGED_DLQ);

        KafkaTopics.send(Topics.PRODUCT_CHANGED, String.valueOf(product), "this is not json " + product);
        KafkaTopics.send(Topics.PRODUCT_CHANGED, String.valueOf(product), noVersion);
        KafkaTopics.send(Topics.PRODUCT_CHANGED, String.valueOf(product), event(product, 9, false, false));

        await("the valid event after the poison applied").atMost(Duration.ofSeconds(30))
                .until(() -> "9".equals(get(CacheKeys.productMinVersion(product))));
        // Keyed by source offset: another invalidator group on this broker (a local stack) dead-letters them too.
        Map<String, String> reasonBySourceOffset = new java.util.TreeMap<>();
        KafkaTopics.read(Topics.PRODUCT_CHANGED_DLQ, from, r -> String.valueOf(product).equals(r.key()), 2,
                        Duration.ofSeconds(10))
                .forEach(r -> reasonBySourceOffset.put(header(r, "dead-letter-offset"), header(r, "dead-letter-reason")));
        assertThat(reasonBySourceOffset.values()).hasSize(2);
        assertThat(reasonBySourceOffset.values()).anySatisfy(reason -> assertThat(reason).contains("unreadable"));
        assertThat(reasonBySourceOffset.values()).anySatisfy(reason -> assertThat(reason).contains("version > 0"));
    }

    /** And no progress past it is claimed meanwhile: readers would trust caches that missed it. */
    @Test
    void noInvalidationIsLostWhileRedisIsAwayAndNoProgressIsClaimedPastIt() {
        long product = freshProduct();
        double retriesBefore = retries();
        var from = KafkaTopics.endOffsets(Topics.CACHE_EVICTIONS);
        long through = System.currentTimeMillis();
        int partition;
        TestServers.Server.REDIS.stop();
        try {
            partition = KafkaTopics.send(Topics.PRODUCT_CHANGED, String.valueOf(product), event(product, 7, false, false));
            KafkaTopics.sendTo(Topics.PRODUCT_CHANGED, partition, watermark("test.outbox", through));
            await("the invalidator failing on Redis and retrying").atMost(Duration.ofSeconds(30))
                    .until(() -> retries() > retriesBefore + 1);
            assertThat(KafkaTopics.read(Topics.CACHE_EVICTIONS, from, r -> carriesProgress(r, partition, through), 1,
                    Duration.ofSeconds(2))).as("progress past an unapplied change").isEmpty();
        } finally {
            TestServers.Server.REDIS.start();
        }
        await("the event applied once Redis is back").atMost(Duration.ofSeconds(30))
                .until(() -> "7".equals(get(CacheKeys.productMinVersion(product))));
        assertThat(KafkaTopics.read(Topics.CACHE_EVICTIONS, from, r -> carriesProgress(r, partition, through), 1,
                Duration.ofSeconds(10))).as("the progress, once applied").isNotEmpty();
    }

    private static String watermark(String source, long through) {
        return JsonObject.mapFrom(Watermark.of(source, through, 3)).encode();
    }

    private static boolean carriesProgress(ConsumerRecord<String, String> record, int partition, long through) {
        return new JsonObject(record.value()).getJsonArray("progress").stream().map(JsonObject.class::cast)
                .anyMatch(p -> p.getInteger("partition") == partition && p.getLong("through") == through);
    }

    private double retries() {
        var counter = meters.find("invalidator.retries").counter();
        return counter == null ? 0 : counter.count();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
