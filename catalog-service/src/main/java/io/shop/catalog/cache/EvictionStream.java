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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * This instance's view of the invalidator's eviction stream (topic cache.evictions, read by every instance with a
 * group of its own, from the newest record): applies each record's evictions to L1, then its progress.
 *
 * <p>Progress is what the caches' freshness rests on. Each relay writes watermarks into every partition of the change
 * topic ("every change of my outbox table committed before T is in this partition before this record"); the
 * invalidator applies records in partition order and passes on, after applying them to Redis, the newest watermark
 * of each outbox table and partition; this instance applies the evictions that came before it. So when every
 * (table, partition) has been heard through T, every change committed before T is applied to L2 and to this L1.
 * The caches are fresh while T is within the staleness bound; a dead, frozen or partitionless invalidator, a stuck
 * relay or a silent stream all stop T, and reads then bypass the caches (see TwoLevelCache) until it moves again.
 */
@ApplicationScoped
public class EvictionStream {

    private static final Logger LOG = Logger.getLogger(EvictionStream.class);

    private final LocalL1 l1;
    private final CacheMeters meters;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final long boundMillis;
    private final List<String> sources;

    /** Written by the one stream thread only: applied-through per "table@partition", and each table's partitions. */
    private final Map<String, Long> through = new HashMap<>();
    private final Map<String, Integer> partitions = new HashMap<>();
    /** Everything committed before this (epoch millis) is applied to both levels; 0 until heard from every source. */
    private volatile long appliedThrough;
    private volatile boolean cleared = true;
    private long timer = -1;

    public EvictionStream(LocalL1 l1, CacheMeters meters, ObjectMapper json, Vertx vertx, CatalogConfig config,
                          MeterRegistry registry) {
        this.l1 = l1;
        this.meters = meters;
        this.json = json;
        this.vertx = vertx;
        this.boundMillis = config.cache().stalenessBound().toMillis();
        this.sources = List.copyOf(config.cache().freshnessSources());
        Gauge.builder("cache.freshness.lag", this, EvictionStream::lagSeconds)
                .description("How far behind the caches are known to be: now minus the commit time through which every "
                        + "change is applied to both levels (-1: not heard from every source yet)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("cache.bypassed", this, s -> s.isFresh() ? 0 : 1)
                .description("1 while the caches are behind the staleness bound (reads bypass them, see when-behind)")
                .register(registry);
    }

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(250, id -> clearIfBehind());
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
    }

    /** Whether every change committed more than the staleness bound ago is applied to both cache levels. */
    public boolean isFresh() {
        long applied = appliedThrough;
        return applied != 0 && System.currentTimeMillis() - applied < boundMillis;
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
        // Only after the evictions above: the progress covers them.
        if (!eviction.progress().isEmpty()) {
            for (CacheEviction.Progress p : eviction.progress()) {
                through.merge(p.source() + "@" + p.partition(), p.through(), Math::max);
                partitions.put(p.source(), p.partitions());
            }
            appliedThrough = minimumThrough();
            if (isFresh()) {
                cleared = false;
            }
        }
    }

    /** The oldest applied-through over every partition of every source; 0 while any of them is unheard of. */
    private long minimumThrough() {
        long min = Long.MAX_VALUE;
        for (String source : sources) {
            int count = partitions.getOrDefault(source, 0);
            if (count == 0) {
                return 0;
            }
            for (int p = 0; p < count; p++) {
                Long t = through.get(source + "@" + p);
                if (t == null) {
                    return 0;
                }
                min = Math.min(min, t);
            }
        }
        return min == Long.MAX_VALUE ? 0 : min;
    }

    /** L1 may have missed evictions while behind: it starts empty when the progress is back. */
    private void clearIfBehind() {
        if (!cleared && !isFresh()) {
            cleared = true;
            l1.clear();
            LOG.warnf("caches behind the staleness bound of %d ms (applied through %d ms ago): L1 cleared, reads bypass "
                    + "the caches as catalog.cache.when-behind says until the invalidator's progress is back",
                    boundMillis, appliedThrough == 0 ? -1 : System.currentTimeMillis() - appliedThrough);
        }
    }

    private double lagSeconds() {
        long applied = appliedThrough;
        return applied == 0 ? -1 : (System.currentTimeMillis() - applied) / 1e3;
    }
}
