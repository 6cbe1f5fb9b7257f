package io.shop.catalog.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.shop.catalog.config.CatalogConfig;
import io.shop.common.events.CacheEviction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * This instance's view of the invalidator's eviction stream (topic cache.evictions, read by every instance with a
 * group of its own, from the newest record). Applies each eviction to L1 and watches the stream's freshness: with
 * no eviction or heartbeat for longer than the staleness bound, L1 is cleared and bypassed until records flow again,
 * because evictions could be missing in the meantime.
 */
@ApplicationScoped
public class EvictionStream {

    private static final Logger LOG = Logger.getLogger(EvictionStream.class);

    private final LocalL1 l1;
    private final CacheMeters meters;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final long boundNanos;

    /** 0 until the first record: an instance does not trust L1 before it hears the stream. */
    private volatile long lastHeardNanos;
    private volatile boolean cleared = true;
    private long timer = -1;

    public EvictionStream(LocalL1 l1, CacheMeters meters, ObjectMapper json, Vertx vertx, CatalogConfig config,
                          MeterRegistry registry) {
        this.l1 = l1;
        this.meters = meters;
        this.json = json;
        this.vertx = vertx;
        this.boundNanos = config.cache().stalenessBound().toNanos();
        Gauge.builder("cache.evictions.heartbeat.age", this, EvictionStream::secondsSinceLastRecord)
                .description("Seconds since this instance last heard the eviction stream (-1: never)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("cache.l1.bypassed", this, s -> s.isFresh() ? 0 : 1)
                .description("1 while L1 is bypassed because the eviction stream is silent").register(registry);
    }

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(250, id -> clearIfSilent());
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
    }

    /** Whether evictions are arriving, so that L1 may be read and filled. */
    public boolean isFresh() {
        long last = lastHeardNanos;
        return last != 0 && System.nanoTime() - last < boundNanos;
    }

    @Incoming("cache-evictions")
    @Blocking(ordered = true)
    public void onRecord(String record) {
        CacheEviction eviction;
        try {
            eviction = json.readValue(record, CacheEviction.class);
        } catch (IOException e) {
            LOG.warnf("ignoring unreadable record on cache.evictions: %s", e.getMessage());
            return;
        }
        if (!eviction.isHeartbeat()) {
            for (CacheEviction.Evicted product : eviction.products()) {
                l1.evictProduct(product.productId(), product.version());
            }
            if (eviction.search()) {
                l1.evictAggregates(CacheName.SEARCH);
            }
            if (eviction.featured()) {
                l1.evictAggregates(CacheName.FEATURED);
            }
            long now = System.currentTimeMillis();
            eviction.products().forEach(product -> meters.l1Lag(now - product.occurredAt()));
        }
        lastHeardNanos = System.nanoTime();
        cleared = false;
    }

    private void clearIfSilent() {
        if (!cleared && !isFresh()) {
            cleared = true;
            l1.clear();
            LOG.warnf("no eviction or heartbeat for over %d ms: L1 cleared and bypassed until the stream is back",
                    boundNanos / 1_000_000);
        }
    }

    private double secondsSinceLastRecord() {
        long last = lastHeardNanos;
        return last == 0 ? -1 : (System.nanoTime() - last) / 1e9;
    }
}
