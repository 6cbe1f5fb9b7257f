package io.shop.catalog.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shop.catalog.config.CatalogConfig;
import io.shop.catalog.model.ProductDetail;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * L1: this instance's Caffeine caches, bounded and with a short TTL.
 *
 * <p>Product pages are versioned. {@link #evictProduct} first records the highest version invalidated for the
 * product, then drops an older page; {@link #putProduct} installs a page inside the map's per-key lock only if its
 * version is at least that recorded version. Whichever of the two runs first, a page loaded before an invalidation
 * can never stay installed after it (the stale-set race).
 *
 * <p>Aggregate entries (featured, search) carry no single version: each cache has a local generation, bumped by an
 * eviction before its entries are dropped; a put made by a read that started under an older generation removes
 * itself again. Clearing L1 bumps every generation, the product pages' too.
 */
@ApplicationScoped
public class LocalL1 {

    private final Cache<Long, ProductDetail> products;
    /** Highest invalidated version per product; kept longer than any load can take. */
    private final Cache<Long, Long> invalidated;
    private final Map<CacheName, Cache<String, Object>> aggregates = new EnumMap<>(CacheName.class);
    private final Map<CacheName, AtomicLong> generations = new EnumMap<>(CacheName.class);

    public LocalL1(CatalogConfig config) {
        Duration ttl = config.cache().l1Ttl();
        long max = config.cache().l1MaxEntries();
        products = Caffeine.newBuilder().maximumSize(max).expireAfterWrite(ttl).build();
        invalidated = Caffeine.newBuilder().maximumSize(max * 4).expireAfterWrite(ttl.multipliedBy(10)).build();
        generations.put(CacheName.PRODUCT, new AtomicLong());
        for (CacheName name : new CacheName[] {CacheName.FEATURED, CacheName.SEARCH}) {
            Cache<String, Object> cache = Caffeine.newBuilder().maximumSize(config.cache().l1MaxLists())
                    .expireAfterWrite(ttl).build();
            aggregates.put(name, cache);
            generations.put(name, new AtomicLong());
        }
    }

    public ProductDetail getProduct(long id) {
        return products.getIfPresent(id);
    }

    /** What an L1 put did. */
    public enum Put { INSTALLED, STALE, ALREADY_NEWER }

    /**
     * Installs the page unless a newer version was invalidated or L1 was cleared since the read began (under
     * {@code generation}): STALE; or an as new page is already cached: ALREADY_NEWER.
     */
    public Put putProduct(ProductDetail page, long generation) {
        Put[] outcome = {Put.INSTALLED};
        AtomicLong currentGeneration = generations.get(CacheName.PRODUCT);
        products.asMap().compute(page.id(), (id, current) -> {
            Long floor = invalidated.getIfPresent(id);
            if ((floor != null && page.version() < floor) || currentGeneration.get() != generation) {
                outcome[0] = Put.STALE;
                return current;
            }
            if (current != null && current.version() >= page.version()) {
                outcome[0] = Put.ALREADY_NEWER;
                return current;
            }
            return page;
        });
        return outcome[0];
    }

    /** Records that versions below {@code minVersion} are stale, then drops the cached page if it is one. */
    public void evictProduct(long id, long minVersion) {
        invalidated.asMap().merge(id, minVersion, Math::max);
        products.asMap().computeIfPresent(id, (key, current) -> current.version() < minVersion ? null : current);
    }

    /**
     * What must change whenever an eviction concerns this product: the highest version invalidated for it, plus the
     * generation (a cleared L1). Reads share a load only within one epoch (TwoLevelCache).
     */
    public String productEpoch(long id) {
        Long floor = invalidated.getIfPresent(id);
        return (floor == null ? 0 : floor) + "/" + generations.get(CacheName.PRODUCT).get();
    }

    public long generation(CacheName cache) {
        return generations.get(cache).get();
    }

    @SuppressWarnings("unchecked")
    public <T> T getAggregate(CacheName cache, String key) {
        return (T) aggregates.get(cache).getIfPresent(key);
    }

    /** Installs an entry read under {@code generation}; takes it back if the generation moved meanwhile. */
    public boolean putAggregate(CacheName cache, String key, Object value, long generation) {
        Cache<String, Object> entries = aggregates.get(cache);
        entries.put(key, value);
        if (generations.get(cache).get() != generation) {
            entries.asMap().remove(key, value);
            return false;
        }
        return true;
    }

    public void evictAggregates(CacheName cache) {
        generations.get(cache).incrementAndGet();
        aggregates.get(cache).invalidateAll();
    }

    /** Drops everything (the eviction stream went silent); generations move so that in-flight puts are refused. */
    public void clear() {
        generations.get(CacheName.PRODUCT).incrementAndGet();
        products.invalidateAll();
        for (CacheName cache : aggregates.keySet()) {
            evictAggregates(cache);
        }
    }
}
