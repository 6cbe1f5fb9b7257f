package io.shop.catalog.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The cache's meters, named and tagged alike in every service: {@code cache.gets{cache,level,result}},
 * {@code cache.fills.rejected{cache,level,reason}}, {@code cache.loads{cache}}, {@code cache.l2.errors} and
 * {@code cache.invalidation.lag{level="l1"}} (the invalidator records level "l2").
 */
@ApplicationScoped
public class CacheMeters {

    public static final String L1 = "l1";
    public static final String L2 = "l2";

    private final MeterRegistry registry;
    private final Timer l1Lag;
    private final Counter l2Errors;

    public CacheMeters(MeterRegistry registry) {
        this.registry = registry;
        this.l1Lag = Timer.builder("cache.invalidation.lag").tag("level", L1)
                .description("From the change's outbox insert (just before commit) to this instance's L1 eviction")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        this.l2Errors = Counter.builder("cache.l2.errors").description("Redis calls that failed or timed out")
                .register(registry);
    }

    public void hit(CacheName cache, String level) {
        get(cache, level, "hit");
    }

    public void miss(CacheName cache, String level) {
        get(cache, level, "miss");
    }

    private void get(CacheName cache, String level, String result) {
        Counter.builder("cache.gets").tag("cache", cache.tag()).tag("level", level).tag("result", result)
                .register(registry).increment();
    }

    public void rejectedFill(CacheName cache, String level, String reason) {
        Counter.builder("cache.fills.rejected").tag("cache", cache.tag()).tag("level", level).tag("reason", reason)
                .description("Fills refused because a newer version had been invalidated (stale-set race) or Redis restarted")
                .register(registry).increment();
    }

    public void load(CacheName cache) {
        Counter.builder("cache.loads").tag("cache", cache.tag()).description("Loads from PostgreSQL")
                .register(registry).increment();
    }

    public void l2Error() {
        l2Errors.increment();
    }

    public void l1Lag(long millis) {
        l1Lag.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
}
