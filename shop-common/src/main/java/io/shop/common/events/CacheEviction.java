package io.shop.common.events;

import java.util.List;

/**
 * A record on {@link Topics#CACHE_EVICTIONS}, for every catalog instance to apply to its L1, in order: the
 * evictions of one batch of product events, which the invalidator has already applied to Redis, then the progress
 * the batch carried. An instance that applied this record has therefore applied, at both levels, every change
 * committed before each {@link Progress#through()}; it may answer from its caches only while that is recent enough.
 *
 * @param products the product pages evicted; empty when the batch held only watermarks
 * @param search   whether cached search results are invalidated
 * @param featured whether the cached featured page is invalidated
 * @param progress the watermarks of the batch, the newest per source and partition
 * @param sentAt   epoch millis when the invalidator sent this record
 */
public record CacheEviction(List<Evicted> products, boolean search, boolean featured, List<Progress> progress,
                            long sentAt) {

    /**
     * @param version    the lowest version still valid for the product's page
     * @param occurredAt epoch millis of the change (its outbox row), for the commit-to-L1 lag
     */
    public record Evicted(long productId, long version, long occurredAt) {
    }

    /** Applied through {@code through} for one partition of the change topic, from one outbox table. */
    public record Progress(String source, int partition, int partitions, long through) {
    }
}
