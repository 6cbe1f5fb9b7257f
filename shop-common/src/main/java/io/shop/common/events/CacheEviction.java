package io.shop.common.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A record on {@link Topics#CACHE_EVICTIONS}: either an eviction the invalidator has already applied to Redis,
 * for every catalog instance to apply to its L1, or a heartbeat that tells instances the stream is alive.
 *
 * @param productId  the product whose page is evicted; 0 on a heartbeat
 * @param version    the lowest version still valid for that product's page
 * @param search     whether cached search results are invalidated
 * @param featured   whether the cached featured page is invalidated
 * @param occurredAt epoch millis of the change (the outbox row), for the commit-to-L1 lag
 * @param sentAt     epoch millis when the invalidator sent this record
 */
public record CacheEviction(String kind, long productId, long version, boolean search, boolean featured,
                            long occurredAt, long sentAt) {

    public static final String EVICTION = "eviction";
    public static final String HEARTBEAT = "heartbeat";

    public static CacheEviction heartbeat(long now) {
        return new CacheEviction(HEARTBEAT, 0, 0, false, false, now, now);
    }

    @JsonIgnore
    public boolean isHeartbeat() {
        return HEARTBEAT.equals(kind);
    }
}
