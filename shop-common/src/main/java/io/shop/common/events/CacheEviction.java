package io.shop.common.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * A record on {@link Topics#CACHE_EVICTIONS}: either the evictions of one batch of product events, which the
 * invalidator has already applied to Redis, for every catalog instance to apply to its L1; or a heartbeat that
 * tells instances the stream is alive.
 *
 * @param products the product pages evicted; empty on a heartbeat
 * @param search   whether cached search results are invalidated
 * @param featured whether the cached featured page is invalidated
 * @param sentAt   epoch millis when the invalidator sent this record
 */
public record CacheEviction(String kind, List<Evicted> products, boolean search, boolean featured, long sentAt) {

    public static final String EVICTION = "eviction";
    public static final String HEARTBEAT = "heartbeat";

    /**
     * @param version    the lowest version still valid for the product's page
     * @param occurredAt epoch millis of the change (its outbox row), for the commit-to-L1 lag
     */
    public record Evicted(long productId, long version, long occurredAt) {
    }

    public static CacheEviction heartbeat(long now) {
        return new CacheEviction(HEARTBEAT, List.of(), false, false, now);
    }

    @JsonIgnore
    public boolean isHeartbeat() {
        return HEARTBEAT.equals(kind);
    }
}
