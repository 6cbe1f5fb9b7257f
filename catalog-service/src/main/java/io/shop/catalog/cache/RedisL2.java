package io.shop.catalog.cache;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.shop.catalog.config.CatalogConfig;
import io.shop.common.cache.CacheKeys;
import io.shop.common.cache.CacheScripts;
import io.shop.common.cache.LuaScript;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * L2: the shared Redis level. Every step is one Lua script (see shop-common CacheScripts), so a read, its lease
 * and the epoch, or a fill and its version checks, are atomic. Every call goes through the breaker and a timeout;
 * a failed call answers "unavailable" and the caller goes on without Redis.
 */
@ApplicationScoped
public class RedisL2 {

    /**
     * What a read found. {@code generation} is the version of a product page, or the generation of an aggregate
     * entry; {@code body} is null on a miss; a {@code leaseToken} tells the caller it holds the lease (at
     * {@code leaseKey}) to load for everyone, and proves it when the fill or {@link #release} frees the lease.
     */
    public record Read(boolean available, String epoch, long generation, String body, String leaseKey,
                       String leaseToken) {

        static final Read UNAVAILABLE = new Read(false, null, 0, null, null, null);

        public boolean hit() {
            return body != null;
        }

        public boolean leaseHeld() {
            return leaseToken != null;
        }

        String leaseTokenOrEmpty() {
            return leaseToken == null ? "" : leaseToken;
        }

        Read withLeaseKey(String key) {
            return new Read(available, epoch, generation, body, key, leaseToken);
        }
    }

    /** What a fill did (SKIPPED: not attempted, e.g. a degraded page is never cached). */
    public enum Fill { INSTALLED, STALE, ALREADY_NEWER, EPOCH_CHANGED, UNAVAILABLE, SKIPPED }

    private final ReactiveRedisDataSource redis;
    private final RedisBreaker breaker;
    private final CacheMeters meters;
    private final Duration timeout;
    private final String leaseMillis;
    private final CatalogConfig.Cache config;
    private final String instanceId = UUID.randomUUID().toString();
    private final AtomicLong uniqueTokens = new AtomicLong();

    public RedisL2(ReactiveRedisDataSource redis, RedisBreaker breaker, CacheMeters meters, CatalogConfig config) {
        this.redis = redis;
        this.breaker = breaker;
        this.meters = meters;
        this.config = config.cache();
        this.timeout = this.config.redisTimeout();
        this.leaseMillis = String.valueOf(this.config.leaseTtl().toMillis());
    }

    /** How long a read may take before the caller goes on without Redis. */
    public enum Wait {
        /** catalog.cache.redis-timeout: PostgreSQL is there to answer instead. */
        BRIEF,
        /** Only the Redis client's own timeout (quarkus.redis.timeout): the database is away, Redis is all there is. */
        PATIENT
    }

    public Uni<Read> getProduct(long id) {
        return getProduct(id, Wait.BRIEF);
    }

    public Uni<Read> getProduct(long id, Wait wait) {
        String page = CacheKeys.product(id);
        String token = uniqueToken();
        return eval(CacheScripts.GET_PRODUCT, List.of(CacheKeys.EPOCH, page, CacheKeys.lease(page)),
                List.of(uniqueToken(), leaseMillis, token, CacheKeys.SCHEMA), r -> read(r, CacheKeys.lease(page), token),
                Read.UNAVAILABLE, wait);
    }

    /** Installs a page loaded after {@code read} (see FILL_PRODUCT), releasing the lease if the read took it. */
    public Uni<Fill> fillProduct(long id, Read read, long version, String body) {
        String page = CacheKeys.product(id);
        return eval(CacheScripts.FILL_PRODUCT,
                List.of(CacheKeys.EPOCH, page, CacheKeys.productMinVersion(id), CacheKeys.lease(page)),
                List.of(read.epoch(), String.valueOf(version), body, String.valueOf(config.productTtl().toSeconds()),
                        read.leaseTokenOrEmpty(), CacheKeys.SCHEMA),
                RedisL2::fill, Fill.UNAVAILABLE, Wait.BRIEF);
    }

    public Uni<Read> getAggregate(CacheName cache, String key, Wait wait) {
        String token = uniqueToken();
        return eval(CacheScripts.GET_AGGREGATE, List.of(CacheKeys.EPOCH, generationKey(cache)),
                List.of(uniqueToken(), CacheKeys.aggregatePrefix(cache.tag()), ":" + key, leaseMillis, token),
                r -> {
                    Read read = read(r, null, token);
                    // The entry's key depends on the generation the script read: its lease key is known only now.
                    return read.leaseHeld()
                            ? read.withLeaseKey(CacheKeys.lease(CacheKeys.aggregate(cache.tag(), read.generation(), key)))
                            : read;
                }, Read.UNAVAILABLE, wait);
    }

    /** Installs an entry loaded after {@code read} under the generation it read, releasing its lease if it took it. */
    public Uni<Fill> fillAggregate(CacheName cache, Read read, String key, String body) {
        Duration ttl = cache == CacheName.FEATURED ? config.featuredTtl() : config.searchTtl();
        return eval(CacheScripts.FILL_AGGREGATE,
                List.of(CacheKeys.EPOCH, CacheKeys.aggregate(cache.tag(), read.generation(), key)),
                List.of(read.epoch(), body, String.valueOf(ttl.toSeconds()), read.leaseTokenOrEmpty()),
                RedisL2::fill, Fill.UNAVAILABLE, Wait.BRIEF);
    }

    /** Frees the lease the read took (its load failed), so that the next reader loads at once instead of waiting. */
    public Uni<Void> release(Read read) {
        if (!read.leaseHeld()) {
            return Uni.createFrom().voidItem();
        }
        return eval(CacheScripts.RELEASE_LEASE, List.of(read.leaseKey()), List.of(read.leaseToken()), r -> true, false, Wait.BRIEF)
                .replaceWithVoid();
    }

    static String generationKey(CacheName cache) {
        return cache == CacheName.FEATURED ? CacheKeys.FEATURED_GENERATION : CacheKeys.SEARCH_GENERATION;
    }

    private <T> Uni<T> eval(LuaScript script, List<String> keys, List<String> args, Function<Response, T> parse,
                            T unavailable, Wait wait) {
        if (breaker.isOpen()) {
            return Uni.createFrom().item(unavailable);
        }
        Uni<Response> call = redis.execute("EVALSHA", script.evalShaArgs(keys, args))
                .onFailure(LuaScript::isNoScript).recoverWithUni(() -> redis.execute("EVAL", script.evalArgs(keys, args)));
        if (wait == Wait.BRIEF) {
            call = call.ifNoItem().after(timeout).fail();
        }
        return call
                .map(response -> {
                    breaker.success();
                    return parse.apply(response);
                })
                .onFailure().recoverWithItem(failure -> {
                    breaker.failure();
                    meters.l2Error();
                    return unavailable;
                });
    }

    /**
     * Unique per call: an epoch candidate (a value Redis adopts as its epoch if it has none, so that no two Redis
     * lifetimes share an epoch) or a lease token. A counter behind a per-instance random id: no SecureRandom on the
     * read path.
     */
    private String uniqueToken() {
        return instanceId + ":" + uniqueTokens.incrementAndGet();
    }

    private static Read read(Response r, String leaseKey, String token) {
        Response generation = r.get(1);
        Response body = r.get(2);
        boolean leaseHeld = r.get(3).toInteger() == 1;
        return new Read(true, r.get(0).toString(), generation == null ? 0 : Long.parseLong(generation.toString()),
                body == null ? null : body.toString(), leaseHeld ? leaseKey : null, leaseHeld ? token : null);
    }

    private static Fill fill(Response r) {
        return switch (r.toInteger()) {
            case 1 -> Fill.INSTALLED;
            case 0 -> Fill.STALE;
            case 2 -> Fill.ALREADY_NEWER;
            default -> Fill.EPOCH_CHANGED;
        };
    }
}
