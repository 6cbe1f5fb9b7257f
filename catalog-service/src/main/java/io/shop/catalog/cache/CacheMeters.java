package io.shop.catalog.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cache's meters, named and tagged alike in every service: {@code cache.gets{cache,level,result}},
 * {@code cache.fills.rejected{cache,level,reason}}, {@code cache.loads{cache}}, {@code cache.l2.errors} and
 * {@code cache.invalidation.lag{level="l1"}} (the invalidator records level "l2").
 */
@Startup
@ApplicationScoped
public class CacheMeters {

    public static final String L1 = "l1";
    public static final String L2 = "l2";

    private final MeterRegistry registry;
    private final Timer l1Lag;
    private final Counter l2Errors;
    private final Map<String, Counter> gets = new HashMap<>();
    private final Map<CacheName, Counter> loads = new EnumMap<>(CacheName.class);

    public CacheMeters(MeterRegistry registry) {
        this.registry = registry;
        this.l1Lag = Timer.builder("cache.invalidation.lag").tag("level", L1)
                .description("From the change's outbox insert (just before commit) to this instance's L1 eviction")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        this.l2Errors = Counter.builder("cache.l2.errors").description("Redis calls that failed or timed out")
                .register(registry);
        // Every series exists from the start (at 0), so no dashboard panel or alert sees "no data" before traffic.
        // The counters of the read path are kept here: a request does no meter lookup.
        for (CacheName cache : CacheName.values()) {
            for (String level : new String[] {L1, L2}) {
                gets.put(key(cache, level, "hit"), getCounter(cache, level, "hit"));
                gets.put(key(cache, level, "miss"), getCounter(cache, level, "miss"));
                rejectedFill(cache, level, "stale", 0);
            }
            rejectedFill(cache, L2, "redis-restarted", 0);
            loads.put(cache, Counter.builder("cache.loads").tag("cache", cache.tag()).description("Loads from PostgreSQL")
                    .register(registry));
        }
    }

    public void hit(CacheName cache, String level) {
        gets.get(key(cache, level, "hit")).increment();
    }

    public void miss(CacheName cache, String level) {
        gets.get(key(cache, level, "miss")).increment();
    }

    /** Rare (a race lost, or Redis restarted): looked up when it happens. */
    public void rejectedFill(CacheName cache, String level, String reason) {
        rejectedFill(cache, level, reason, 1);
    }

    public void load(CacheName cache) {
        loads.get(cache).increment();
    }

    /** Rare (the database away while the caches are behind): looked up when it happens. */
    public void servedWhileDatabaseAway(CacheName cache) {
        Counter.builder("cache.served.database.away").tag("cache", cache.tag())
                .description("Cached answers served while behind the staleness bound because the database was unreachable")
                .register(registry).increment();
    }

    /** Rare (a value written by another version that this one cannot read): looked up when it happens. */
    public void undecodable(CacheName cache) {
        Counter.builder("cache.l2.undecodable").tag("cache", cache.tag())
                .description("Cached values this version could not decode: served as misses").register(registry)
                .increment();
    }

    private static String key(CacheName cache, String level, String result) {
        return cache.tag() + level + result;
    }

    private Counter getCounter(CacheName cache, String level, String result) {
        return Counter.builder("cache.gets").tag("cache", cache.tag()).tag("level", level).tag("result", result)
                .description("Cache reads by cache, level and result").register(registry);
    }

    private void rejectedFill(CacheName cache, String level, String reason, int n) {
        Counter.builder("cache.fills.rejected").tag("cache", cache.tag()).tag("level", level).tag("reason", reason)
                .description("Fills refused because a newer version had been invalidated (stale-set race) or Redis restarted")
                .register(registry).increment(n);
    }

    public void l2Error() {
        l2Errors.increment();
    }

    public void l1Lag(long millis) {
        l1Lag.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
}
