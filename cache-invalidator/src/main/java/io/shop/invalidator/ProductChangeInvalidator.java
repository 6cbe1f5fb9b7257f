package io.shop.invalidator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.shop.common.cache.CacheKeys;
import io.shop.common.cache.CacheScripts;
import io.shop.common.cache.LuaScript;
import io.shop.common.events.CacheEviction;
import io.shop.common.events.ChangeEvent;
import io.shop.common.events.ProductChanged;
import io.shop.common.events.Topics;
import io.shop.common.events.Watermark;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code catalog.product-changed} in batches (whatever one poll returned) and for each:
 * <ol>
 *   <li>in Redis, in one Lua call for the whole batch, raises each product page's minimum valid version, deletes
 *       older cached pages and bumps the list generations the events ask for;</li>
 *   <li>broadcasts the batch's L1 evictions as one record on {@code cache.evictions}, with the progress the batch's
 *       watermarks prove (applied through T, per outbox table and partition), and waits for the broker's
 *       acknowledgement;</li>
 *   <li>only then acknowledges the batch, so its offsets can be committed.</li>
 * </ol>
 * The progress is what lets catalog instances trust their caches: it only moves when changes have really been
 * applied, so an invalidator that is dead, frozen or still waiting for its partitions stops it, whatever else runs.
 * Redis or the broker away: the batch is retried until it succeeds, holding its partition, so no invalidation is
 * skipped. An event that can never be applied (unreadable, not a product event) is sent to the dead-letter topic
 * with the reason and its source position in headers; the rest of the batch goes on.
 */
@ApplicationScoped
public class ProductChangeInvalidator {

    private static final Logger LOG = Logger.getLogger(ProductChangeInvalidator.class);
    /**
     * Every record on cache.evictions goes to partition 0, whatever the topic's partition count: instances must apply
     * evictions and the progress that covers them in the order they were sent.
     */
    private static final OutgoingKafkaRecordMetadata<String> ONE_PARTITION =
            OutgoingKafkaRecordMetadata.<String>builder().withPartition(0).build();

    /** A valid product event and what the invalidator needs of it. */
    record Change(ChangeEvent event, ProductChanged product) {
    }

    private final ReactiveRedisDataSource redis;
    private final MutinyEmitter<String> evictions;
    private final MutinyEmitter<String> deadLetters;
    private final ObjectMapper json;
    private final String minVersionTtl;
    private final Timer l2Lag;
    private final Counter applied;
    private final Counter deadLettered;
    private final Counter retries;

    public ProductChangeInvalidator(ReactiveRedisDataSource redis,
                                    @Channel("cache-evictions") MutinyEmitter<String> evictions,
                                    @Channel("dead-letters") MutinyEmitter<String> deadLetters,
                                    ObjectMapper json, MeterRegistry registry,
                                    @ConfigProperty(name = "invalidator.min-version-ttl", defaultValue = "P1D") Duration minVersionTtl) {
        this.redis = redis;
        this.evictions = evictions;
        this.deadLetters = deadLetters;
        this.json = json;
        this.minVersionTtl = String.valueOf(minVersionTtl.toSeconds());
        this.l2Lag = Timer.builder("cache.invalidation.lag").tag("level", "l2")
                .description("From the change's outbox insert (just before commit) to its eviction from Redis")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        this.applied = Counter.builder("invalidator.events").tag("result", "applied")
                .description("Product events applied to Redis and broadcast, or dead-lettered").register(registry);
        this.deadLettered = Counter.builder("invalidator.events").tag("result", "dead-lettered")
                .description("Product events applied to Redis and broadcast, or dead-lettered").register(registry);
        this.retries = Counter.builder("invalidator.retries")
                .description("Batches repeated because Redis or the broker failed").register(registry);
    }

    @Incoming("product-changes")
    public Uni<Void> onBatch(KafkaRecordBatch<String, String> batch) {
        List<Change> changes = new ArrayList<>();
        Map<String, CacheEviction.Progress> progress = new LinkedHashMap<>();
        List<Uni<Void>> dead = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch) {
            try {
                JsonNode value = json.readTree(record.getPayload());
                if (Watermark.TYPE.equals(value.path("type").asText())) {
                    Watermark watermark = json.treeToValue(value, Watermark.class);
                    // Records of a partition arrive in order: the last watermark of each is the newest.
                    progress.put(watermark.source() + "@" + record.getPartition(), new CacheEviction.Progress(
                            watermark.source(), record.getPartition(), watermark.partitions(), watermark.through()));
                } else {
                    changes.add(parse(value));
                }
            } catch (IllegalArgumentException | JsonProcessingException poison) {
                dead.add(deadLetter(record, poison instanceof JsonProcessingException
                        ? "unreadable change event: " + poison.getMessage() : poison.getMessage()));
            }
        }
        List<CacheEviction.Progress> proven = List.copyOf(progress.values());
        Uni<Void> redis = changes.isEmpty() ? Uni.createFrom().voidItem()
                : invalidateInRedis(changes).invoke(() -> recordLag(changes));
        Uni<Void> work = changes.isEmpty() && proven.isEmpty() ? Uni.createFrom().voidItem()
                : redis.chain(() -> evictions.sendMessage(Message.of(eviction(changes, proven)).addMetadata(ONE_PARTITION)))
                        .onFailure().invoke(failure -> {
                            retries.increment();
                            LOG.warnf("batch of %d product events: %s; retrying", changes.size(), failure.getMessage());
                        })
                        .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).indefinitely()
                        .invoke(() -> applied.increment(changes.size()));
        if (!dead.isEmpty()) {
            work = work.chain(() -> Uni.join().all(dead).andFailFast().replaceWithVoid());
        }
        return work.chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    /** Unreadable or foreign events are poison: they go to the dead-letter topic, never to a retry. */
    private Change parse(JsonNode record) {
        ChangeEvent event;
        try {
            event = json.treeToValue(record, ChangeEvent.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("unreadable change event: " + e.getMessage(), e);
        }
        if (!Topics.AGGREGATE_PRODUCT.equals(event.aggregateType()) || !ProductChanged.TYPE.equals(event.type())) {
            throw new IllegalArgumentException("not a product change: " + event.aggregateType() + "/" + event.type());
        }
        if (event.version() <= 0 || event.payload() == null || event.occurredAt() == null
                || event.payload().path("productId").asLong() <= 0
                || !String.valueOf(event.payload().path("productId").asLong()).equals(event.aggregateId())) {
            throw new IllegalArgumentException("incomplete product change: needs version > 0, occurred_at and a payload"
                    + " whose productId is the aggregate id");
        }
        try {
            return new Change(event, json.treeToValue(event.payload(), ProductChanged.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable ProductChanged payload: " + e.getMessage(), e);
        }
    }

    private Uni<Void> invalidateInRedis(List<Change> changes) {
        LuaScript script = CacheScripts.INVALIDATE_PRODUCTS;
        List<String> keys = List.of(CacheKeys.SEARCH_GENERATION, CacheKeys.FEATURED_GENERATION);
        List<String> args = new ArrayList<>(3 + 4 * changes.size());
        args.addAll(List.of(minVersionTtl, CacheKeys.PRODUCT_PREFIX, CacheKeys.PRODUCT_MIN_VERSION_PREFIX));
        for (Change c : changes) {
            boolean lists = c.product().listingChanged();
            args.add(String.valueOf(c.product().productId()));
            args.add(String.valueOf(c.event().version()));
            args.add(lists ? "1" : "0");
            args.add(lists && c.product().featured() ? "1" : "0");
        }
        return redis.execute("EVALSHA", script.evalShaArgs(keys, args))
                .onFailure(LuaScript::isNoScript).recoverWithUni(() -> redis.execute("EVAL", script.evalArgs(keys, args)))
                .replaceWithVoid();
    }

    private String eviction(List<Change> changes, List<CacheEviction.Progress> progress) {
        boolean search = changes.stream().anyMatch(c -> c.product().listingChanged());
        boolean featured = changes.stream().anyMatch(c -> c.product().listingChanged() && c.product().featured());
        List<CacheEviction.Evicted> products = changes.stream().map(c -> new CacheEviction.Evicted(
                c.product().productId(), c.event().version(), c.event().occurredAt().toEpochMilli())).toList();
        try {
            return json.writeValueAsString(new CacheEviction(products, search, featured, progress,
                    System.currentTimeMillis()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void recordLag(List<Change> changes) {
        long now = System.currentTimeMillis();
        changes.forEach(c -> l2Lag.record(Math.max(0, now - c.event().occurredAt().toEpochMilli()), TimeUnit.MILLISECONDS));
    }

    /** Same headers as SmallRye's own dead-letter strategy: reason, source topic, partition and offset. */
    private Uni<Void> deadLetter(KafkaRecord<String, String> record, String reason) {
        deadLettered.increment();
        long offset = record.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> m.getOffset()).orElse(-1L);
        LOG.warnf("dead-lettering %s-%d@%d: %s", record.getTopic(), record.getPartition(), offset, reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.getTopic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", String.valueOf(record.getPartition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", String.valueOf(offset).getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.getKey()).withHeaders(headers).build();
        return deadLetters.sendMessage(Message.of(record.getPayload()).addMetadata(metadata));
    }
}
