package io.shop.catalog.cache;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shop.catalog.config.CatalogConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Circuit breaker in front of Redis: after a run of failures L2 is skipped (reads go to L1 and PostgreSQL) until
 * the open period ends; then calls go through again, and the first success closes it. No restart needed.
 */
@ApplicationScoped
public class RedisBreaker {

    private final int threshold;
    private final long openForNanos;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong openUntil = new AtomicLong();

    public RedisBreaker(CatalogConfig config, MeterRegistry registry) {
        this.threshold = config.cache().breakerFailureThreshold();
        this.openForNanos = config.cache().breakerOpenFor().toNanos();
        Gauge.builder("cache.l2.breaker.open", this, b -> b.isOpen() ? 1 : 0)
                .description("1 while Redis is being skipped after repeated failures").register(registry);
    }

    public boolean isOpen() {
        long until = openUntil.get();
        return until != 0 && System.nanoTime() - until < 0;
    }

    public void success() {
        consecutiveFailures.set(0);
        openUntil.set(0);
    }

    public void failure() {
        if (consecutiveFailures.incrementAndGet() >= threshold) {
            openUntil.set(System.nanoTime() + openForNanos);
            consecutiveFailures.set(0);
        }
    }
}
