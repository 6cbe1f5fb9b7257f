package io.shop.catalog.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.catalog.config.CatalogConfig;
import io.shop.catalog.model.ProductDetail;
import io.shop.database.DatabaseErrors;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Cache-aside over two levels: L1 ({@link LocalL1}) then L2 ({@link RedisL2}) then the loader (PostgreSQL).
 *
 * <ul>
 *   <li>Both levels answer only while the invalidator's progress is within the staleness bound (EvictionStream).
 *       Behind it, by default, reads go to PostgreSQL (one load per key per instance) and fill nothing; with
 *       {@code when-behind=serve-stale}, L2 still answers and only L1 is bypassed.</li>
 *   <li>If the database cannot be reached, a cached answer is served rather than an error (nothing can commit there
 *       meanwhile), from L1 or from L2 read with Redis's full timeout, behind the bound or not.</li>
 *   <li>One load per key per instance: concurrent misses share one in-flight load.</li>
 *   <li>On an L2 miss, the reader that got the Redis lease loads for everyone; the others poll L2 for a short while
 *       before loading themselves.</li>
 *   <li>Fills are conditional (versions at both levels, the Redis epoch at L2): see LocalL1 and CacheScripts.</li>
 *   <li>A product page with a degraded part is served but never cached.</li>
 *   <li>A missing product is cached as a tombstone ({@link ProductDetail#notFound}) under the same version rules as a
 *       page: creating or activating it bumps its version, which evicts the tombstone like any change.</li>
 *   <li>The Redis lease is released on every outcome (page, tombstone, degraded page, error), and only by the
 *       reader that took it.</li>
 *   <li>Cached values carry their schema (CacheKeys.SCHEMA): one of another schema is a miss and is replaced. They
 *       are decoded leniently (an instance of an older version ignores fields it does not know); one that still
 *       cannot be decoded is a miss and counted, never an error to the client.</li>
 * </ul>
 */
@ApplicationScoped
public class TwoLevelCache {

    private static final Duration LEASE_POLL = Duration.ofMillis(25);

    private final LocalL1 l1;
    private final RedisL2 l2;
    private final EvictionStream stream;
    private final CacheMeters meters;
    private final ObjectMapper json;
    private final boolean enabled;
    private final boolean bypassWhenBehind;
    private final int leasePolls;
    private final JavaType productType;
    /** The REST mapper refuses unknown fields; cached values written by a newer version may have some. */
    private final ObjectMapper cacheJson;
    private final ConcurrentHashMap<String, Uni<?>> inFlight = new ConcurrentHashMap<>();

    private final Duration queryTimeout;
    private final long boundNanos;

    public TwoLevelCache(LocalL1 l1, RedisL2 l2, EvictionStream stream, CacheMeters meters, ObjectMapper json,
                         CatalogConfig config) {
        this.queryTimeout = config.queryTimeout();
        this.boundNanos = config.cache().stalenessBound().toNanos();
        this.l1 = l1;
        this.l2 = l2;
        this.stream = stream;
        this.meters = meters;
        this.json = json;
        this.cacheJson = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.productType = json.constructType(ProductDetail.class);
        this.enabled = config.cache().enabled();
        this.bypassWhenBehind = config.cache().whenBehind() == CatalogConfig.WhenBehind.BYPASS;
        this.leasePolls = (int) Math.max(1, config.cache().leaseWait().toMillis() / LEASE_POLL.toMillis());
    }

    /** A product page through both levels; a page with a degraded part is served but cached at neither. */
    public Uni<ProductDetail> product(long id, Supplier<Uni<ProductDetail>> loader) {
        return twoLevel(CacheName.PRODUCT, String.valueOf(id), l1.productEpoch(id), productType, () -> l1.getProduct(id),
                (page, generation) -> page.degraded().isEmpty() && l1.putProduct(page, generation) == LocalL1.Put.STALE,
                wait -> l2.getProduct(id, wait),
                (read, page) -> page.degraded().isEmpty()
                        ? l2.fillProduct(id, read, page.version(), encode(page))
                        : l2.release(read).replaceWith(RedisL2.Fill.SKIPPED),
                loader);
    }

    /** A featured page or a search page through both levels; {@code key} identifies it within its cache. */
    public <T> Uni<T> aggregate(CacheName cache, String key, JavaType type, Supplier<Uni<T>> loader) {
        return twoLevel(cache, key, String.valueOf(l1.generation(cache)), type, () -> l1.getAggregate(cache, key),
                (value, generation) -> !l1.putAggregate(cache, key, value, generation),
                wait -> l2.getAggregate(cache, key, wait),
                (read, value) -> l2.fillAggregate(cache, read, key, encode(value)),
                loader);
    }

    /** The loader, failing as "database away" once past catalog.query-timeout (a frozen PostgreSQL answers nothing). */
    private <T> Uni<T> load(Supplier<Uni<T>> loader) {
        return loader.get().ifNoItem().after(queryTimeout)
                .failWith(() -> new DatabaseErrors.Timeout("the database did not answer within " + queryTimeout));
    }

    /**
     * L1 if the caches are fresh, then (one load per key per instance) L2, then the loader; the value is put in L1
     * under the generation read before anything else, if they are still fresh. Behind the bound: the loader only.
     * Either way, if the database cannot be reached, whatever a level holds (cachedWhileDatabaseAway).
     */
    private <T> Uni<T> twoLevel(CacheName cache, String key, String epoch, JavaType type, Supplier<T> l1Get, L1Put<T> l1Put,
                                Function<RedisL2.Wait, Uni<RedisL2.Read>> l2Get, L2Fill<T> l2Fill, Supplier<Uni<T>> loader) {
        if (!enabled) {
            return load(loader);
        }
        return cachedOrLoaded(cache, key, epoch, type, l1Get, l1Put, l2Get, l2Fill, loader)
                .onFailure(DatabaseErrors::isUnavailable)
                .recoverWithUni(failure -> cachedWhileDatabaseAway(cache, type, l1Get, l2Get, failure));
    }

    /**
     * A read joins a load of its key in flight only if that load cannot be older than the read needs. Caches fresh:
     * only a flight begun under the same eviction epoch of the key (the product's highest invalidated version, or
     * the list cache's generation), so a read that comes after an eviction never gets what a load begun before it
     * found. Behind the bound: only a database load begun within the same slot of one staleness bound, so a load
     * whose snapshot predates a commit by more than the bound is never shared with a read after it.
     */
    private <T> Uni<T> cachedOrLoaded(CacheName cache, String key, String epoch, JavaType type, Supplier<T> l1Get, L1Put<T> l1Put,
                                      Function<RedisL2.Wait, Uni<RedisL2.Read>> l2Get, L2Fill<T> l2Fill,
                                      Supplier<Uni<T>> loader) {
        boolean useL1 = stream.isFresh();
        if (!useL1 && bypassWhenBehind) {
            // A separate flight: joining a cached read in progress could hand back what the caches held.
            return singleFlight(cache, "behind:" + key + "@" + System.nanoTime() / boundNanos, () -> {
                meters.load(cache);
                return load(loader);
            });
        }
        long generation = l1.generation(cache);
        if (useL1) {
            T hit = l1Get.get();
            if (hit != null) {
                meters.hit(cache, CacheMeters.L1);
                return Uni.createFrom().item(hit);
            }
            meters.miss(cache, CacheMeters.L1);
        }
        Uni<T> shared = singleFlight(cache, key + "@" + epoch, () -> throughL2(cache, type, l2Get, loader, l2Fill, 0));
        return shared.invoke(value -> {
            if (useL1 && stream.isFresh() && l1Put.rejectedAsStale(value, generation)) {
                meters.rejectedFill(cache, CacheMeters.L1, "stale");
            }
        });
    }

    /**
     * The database unreachable: a cached answer is better than an error. Behind the bound, its silence is why the
     * progress stopped (the relays cannot read their outboxes), and nothing can commit there meanwhile; within it, the
     * L2 read before the load may have timed out (catalog.cache.redis-timeout is short because PostgreSQL could
     * answer instead). Served from either level, filled into neither, L2 read with the Redis client's own timeout
     * (Redis is the only source left); with nothing cached, the database's failure stands.
     */
    private <T> Uni<T> cachedWhileDatabaseAway(CacheName cache, JavaType type, Supplier<T> l1Get,
                                               Function<RedisL2.Wait, Uni<RedisL2.Read>> l2Get, Throwable failure) {
        T local = l1Get.get();
        if (local != null) {
            meters.servedWhileDatabaseAway(cache);
            return Uni.createFrom().item(local);
        }
        return l2Get.apply(RedisL2.Wait.PATIENT).call(l2::release).chain(read -> {
            T cached = read.hit() ? decode(cache, read.body(), type) : null;
            if (cached == null) {
                return Uni.createFrom().failure(failure);
            }
            meters.servedWhileDatabaseAway(cache);
            return Uni.createFrom().item(cached);
        });
    }

    @FunctionalInterface
    private interface L1Put<T> {
        /** Puts the value unless it should not be cached; answers whether L1 refused it as stale. */
        boolean rejectedAsStale(T value, long generation);
    }

    @FunctionalInterface
    private interface L2Fill<T> {
        Uni<RedisL2.Fill> fill(RedisL2.Read read, T value);
    }

    private <T> Uni<T> throughL2(CacheName cache, JavaType type, Function<RedisL2.Wait, Uni<RedisL2.Read>> get,
                                 Supplier<Uni<T>> loader, L2Fill<T> fill, int poll) {
        return get.apply(RedisL2.Wait.BRIEF).chain(read -> {
            T cached = read.hit() ? decode(cache, read.body(), type) : null;
            if (cached != null) {
                meters.hit(cache, CacheMeters.L2);
                return Uni.createFrom().item(cached);
            }
            if (poll == 0) {
                meters.miss(cache, CacheMeters.L2);
            }
            if (read.available() && !read.hit() && !read.leaseHeld() && poll < leasePolls) {
                // Another instance holds the lease and is loading this key: give it a moment.
                return Uni.createFrom().voidItem().onItem().delayIt().by(LEASE_POLL)
                        .chain(() -> throughL2(cache, type, get, loader, fill, poll + 1));
            }
            meters.load(cache);
            Uni<T> loaded = load(loader);
            if (!read.available()) {
                return loaded;
            }
            return loaded.onFailure().call(() -> l2.release(read)).call(value -> fill.fill(read, value).invoke(result -> {
                if (result == RedisL2.Fill.STALE) {
                    meters.rejectedFill(cache, CacheMeters.L2, "stale");
                } else if (result == RedisL2.Fill.EPOCH_CHANGED) {
                    meters.rejectedFill(cache, CacheMeters.L2, "redis-restarted");
                }
            }));
        });
    }

    /** Concurrent callers for one key share one load; the entry leaves the map when the load ends. */
    @SuppressWarnings("unchecked")
    private <T> Uni<T> singleFlight(CacheName cache, String key, Supplier<Uni<T>> load) {
        String flightKey = cache.tag() + ":" + key;
        return Uni.createFrom().deferred(() -> {
            Uni<?>[] created = new Uni<?>[1];
            Uni<T> flight = (Uni<T>) inFlight.computeIfAbsent(flightKey, k -> {
                created[0] = load.get()
                        .onTermination().invoke(() -> inFlight.remove(k, created[0]))
                        .memoize().indefinitely();
                return created[0];
            });
            return flight;
        });
    }

    private String encode(Object value) {
        try {
            return cacheJson.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a cache value", e);
        }
    }

    /** The cached value, or null (a miss, counted) if it cannot be decoded. */
    private <T> T decode(CacheName cache, String body, JavaType type) {
        try {
            return cacheJson.readValue(body, type);
        } catch (JsonProcessingException e) {
            meters.undecodable(cache);
            return null;
        }
    }
}
