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
     * entry; {@code body} is null on a miss; {@code leaseHeld} tells the caller to load for everyone.
     */
    public record Read(boolean available, String epoch, long generation, String body, boolean leaseHeld) {

        static final Read UNAVAILABLE = new Read(false, null, 0, null, false);

        public boolean hit() {
            return body != null;
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
    private final AtomicLong epochCandidates = new AtomicLong();

    public RedisL2(ReactiveRedisDataSource redis, RedisBreaker breaker, CacheMeters meters, CatalogConfig config) {
        this.redis = redis;
        this.breaker = breaker;
        this.meters = meters;
        this.config = config.cache();
        this.timeout = this.config.redisTimeout();
        this.leaseMillis = String.valueOf(this.config.leaseTtl().toMillis());
    }

    public Uni<Read> getProduct(long id) {
        String page = CacheKeys.product(id);
        return eval(CacheScripts.GET_PRODUCT, List.of(CacheKeys.EPOCH, page, CacheKeys.lease(page)),
                List.of(epochCandidate(), leaseMillis), RedisL2::read, Read.UNAVAILABLE);
    }

    public Uni<Fill> fillProduct(long id, String epoch, long version, String body) {
        String page = CacheKeys.product(id);
        return eval(CacheScripts.FILL_PRODUCT,
                List.of(CacheKeys.EPOCH, page, CacheKeys.productMinVersion(id), CacheKeys.lease(page)),
                List.of(epoch, String.valueOf(version), body, String.valueOf(config.productTtl().toSeconds())),
                RedisL2::fill, Fill.UNAVAILABLE);
    }

    public Uni<Read> getAggregate(CacheName cache, String key) {
        return eval(CacheScripts.GET_AGGREGATE, List.of(CacheKeys.EPOCH, generationKey(cache)),
                List.of(epochCandidate(), "cache:" + cache.tag() + ":", ":" + key, leaseMillis),
                RedisL2::read, Read.UNAVAILABLE);
    }

    public Uni<Fill> fillAggregate(CacheName cache, long generation, String key, String epoch, String body) {
        Duration ttl = cache == CacheName.FEATURED ? config.featuredTtl() : config.searchTtl();
        return eval(CacheScripts.FILL_AGGREGATE, List.of(CacheKeys.EPOCH, CacheKeys.aggregate(cache.tag(), generation, key)),
                List.of(epoch, body, String.valueOf(ttl.toSeconds())), RedisL2::fill, Fill.UNAVAILABLE);
    }

    static String generationKey(CacheName cache) {
        return cache == CacheName.FEATURED ? CacheKeys.FEATURED_GENERATION : CacheKeys.SEARCH_GENERATION;
    }

    private <T> Uni<T> eval(LuaScript script, List<String> keys, List<String> args, Function<Response, T> parse,
                            T unavailable) {
        if (breaker.isOpen()) {
            return Uni.createFrom().item(unavailable);
        }
        return redis.execute("EVALSHA", script.evalShaArgs(keys, args))
                .onFailure(LuaScript::isNoScript).recoverWithUni(() -> redis.execute("EVAL", script.evalArgs(keys, args)))
                .ifNoItem().after(timeout).fail()
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
     * A value Redis adopts as its epoch if it has none; unique per call, so that no two Redis lifetimes share an
     * epoch. A counter behind a per-instance random id: no SecureRandom on the read path.
     */
    private String epochCandidate() {
        return instanceId + ":" + epochCandidates.incrementAndGet();
    }

    private static Read read(Response r) {
        Response generation = r.get(1);
        Response body = r.get(2);
        return new Read(true, r.get(0).toString(), generation == null ? 0 : Long.parseLong(generation.toString()),
                body == null ? null : body.toString(), r.get(3).toInteger() == 1);
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
