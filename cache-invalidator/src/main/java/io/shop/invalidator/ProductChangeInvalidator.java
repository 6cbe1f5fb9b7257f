package io.shop.invalidator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.shop.common.cache.CacheKeys;
import io.shop.common.cache.CacheScripts;
import io.shop.common.events.CacheEviction;
import io.shop.common.events.ChangeEvent;
import io.shop.common.events.ProductChanged;
import io.shop.common.events.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code catalog.product-changed} one record at a time, in order, and for each event:
 * <ol>
 *   <li>in Redis, in one Lua script, raises the product page's minimum valid version, deletes an older cached
 *       page and bumps the list generations the event asks for;</li>
 *   <li>broadcasts the L1 eviction on {@code cache.evictions} and waits for the broker's acknowledgement;</li>
 *   <li>only then lets the record's offset be committed (the method's Uni completes).</li>
 * </ol>
 * Redis or the broker away: the step is retried until it succeeds, holding the partition, so no invalidation is
 * skipped. An event that can never be applied (unreadable, not a product event) fails the Uni and goes to the
 * dead-letter topic with the reason.
 */
@ApplicationScoped
public class ProductChangeInvalidator {

    private static final Logger LOG = Logger.getLogger(ProductChangeInvalidator.class);

    private final ReactiveRedisDataSource redis;
    private final MutinyEmitter<String> evictions;
    private final ObjectMapper json;
    private final String minVersionTtl;
    private final Timer l2Lag;
    private final Counter applied;
    private final Counter retries;

    public ProductChangeInvalidator(ReactiveRedisDataSource redis, @Channel("cache-evictions") MutinyEmitter<String> evictions,
                                    ObjectMapper json, MeterRegistry registry,
                                    @ConfigProperty(name = "invalidator.min-version-ttl", defaultValue = "P1D") Duration minVersionTtl) {
        this.redis = redis;
        this.evictions = evictions;
        this.json = json;
        this.minVersionTtl = String.valueOf(minVersionTtl.toSeconds());
        this.l2Lag = Timer.builder("cache.invalidation.lag").tag("level", "l2")
                .description("From the change's outbox insert (just before commit) to its eviction from Redis")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        this.applied = Counter.builder("invalidator.events.applied").description("Product events applied to Redis and broadcast")
                .register(registry);
        this.retries = Counter.builder("invalidator.retries").description("Attempts repeated because Redis or the broker failed")
                .register(registry);
    }

    @Incoming("product-changes")
    public Uni<Void> onEvent(String record) {
        ChangeEvent event = parse(record);
        ProductChanged change = json.convertValue(event.payload(), ProductChanged.class);
        long productId = change.productId();
        return invalidateInRedis(event, change)
                .invoke(() -> l2Lag.record(lagMillis(event), TimeUnit.MILLISECONDS))
                .chain(() -> evictions.send(eviction(event, change)))
                .onFailure().invoke(failure -> {
                    retries.increment();
                    LOG.warnf("product %d v%d: %s; retrying", productId, event.version(), failure.getMessage());
                })
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2)).indefinitely()
                .invoke(() -> applied.increment());
    }

    /** Unreadable or foreign events are poison: they fail here, before any retry, and go to the dead-letter topic. */
    private ChangeEvent parse(String record) {
        ChangeEvent event;
        try {
            event = json.readValue(record, ChangeEvent.class);
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
        return event;
    }

    private Uni<Void> invalidateInRedis(ChangeEvent event, ProductChanged change) {
        long id = change.productId();
        boolean lists = change.listingChanged();
        return redis.execute("EVAL", CacheScripts.INVALIDATE_PRODUCT, "4",
                        CacheKeys.product(id), CacheKeys.productMinVersion(id), CacheKeys.SEARCH_GENERATION,
                        CacheKeys.FEATURED_GENERATION,
                        String.valueOf(event.version()), lists ? "1" : "0", lists && change.featured() ? "1" : "0",
                        minVersionTtl)
                .replaceWithVoid();
    }

    private String eviction(ChangeEvent event, ProductChanged change) {
        boolean lists = change.listingChanged();
        CacheEviction eviction = new CacheEviction(CacheEviction.EVICTION, change.productId(), event.version(), lists,
                lists && change.featured(), event.occurredAt().toEpochMilli(), System.currentTimeMillis());
        try {
            return json.writeValueAsString(eviction);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long lagMillis(ChangeEvent event) {
        return Math.max(0, System.currentTimeMillis() - event.occurredAt().toEpochMilli());
    }
}
