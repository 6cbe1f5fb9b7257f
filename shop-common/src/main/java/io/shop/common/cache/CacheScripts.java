package io.shop.common.cache;

/**
 * The Lua scripts that make every cache step atomic in Redis (sent by SHA-1, see LuaScript). The invalidator runs {@link #INVALIDATE_PRODUCTS};
 * catalog-service runs the others. Versions compare as numbers; a missing minimum is 0.
 */
public final class CacheScripts {

    /** Start of every read: the epoch (KEYS[1]), set to the candidate ARGV[1] if Redis has none (it started empty). */
    private static final String READ_EPOCH = """
            local epoch = redis.call('GET', KEYS[1])
            if not epoch then
              epoch = ARGV[1]
              redis.call('SET', KEYS[1], epoch)
            end
            """;

    /**
     * The invalidator's step for a batch of product events, in one call. KEYS: search generation, featured
     * generation. ARGV: min-version TTL seconds, page key prefix, min-version key prefix, then per event: product id,
     * version, bump search (0/1), bump featured (0/1). Per event: raises the product's minimum valid version to the
     * event's, deletes a cached page older than the minimum, and bumps the generations the event asks for. A
     * duplicate (version equal to the minimum) changes nothing; an older event (reordered) lowers nothing but still
     * bumps generations, because its own change to lists may not have been covered (lists carry no version).
     * Returns {search generation, featured generation}.
     */
    public static final LuaScript INVALIDATE_PRODUCTS = LuaScript.of("""
            local ttl = tonumber(ARGV[1])
            local gs = tonumber(redis.call('GET', KEYS[1]) or '0')
            local gf = tonumber(redis.call('GET', KEYS[2]) or '0')
            local bumpSearch, bumpFeatured = false, false
            for i = 4, #ARGV, 4 do
              local id = ARGV[i]
              local v = tonumber(ARGV[i + 1])
              local minKey = ARGV[3] .. id
              local min = tonumber(redis.call('GET', minKey) or '0')
              local duplicate = (v == min)
              if v > min then
                min = v
              end
              redis.call('SET', minKey, min, 'EX', ttl)
              local pageKey = ARGV[2] .. id
              local cached = redis.call('HGET', pageKey, 'v')
              if cached and tonumber(cached) < min then
                redis.call('DEL', pageKey)
              end
              if not duplicate then
                bumpSearch = bumpSearch or ARGV[i + 2] == '1'
                bumpFeatured = bumpFeatured or ARGV[i + 3] == '1'
              end
            end
            if bumpSearch then gs = redis.call('INCR', KEYS[1]) end
            if bumpFeatured then gf = redis.call('INCR', KEYS[2]) end
            return {gs, gf}
            """);

    /**
     * KEYS: epoch, page, lease. ARGV: epoch candidate, lease millis, lease token, schema. Returns {epoch, version or
     * false, body or false, 1 if the caller holds the lease to load it}. Sets the epoch if Redis has none (it started
     * empty). The lease holds the caller's token, so that only its owner releases it. A page of another schema is a
     * miss.
     */
    public static final LuaScript GET_PRODUCT = LuaScript.of(READ_EPOCH + """
            local hit = redis.call('HMGET', KEYS[2], 'v', 'b', 's')
            if hit[1] and hit[3] == ARGV[4] then
              return {epoch, hit[1], hit[2], 0}
            end
            local lease = redis.call('SET', KEYS[3], ARGV[3], 'NX', 'PX', tonumber(ARGV[2]))
            return {epoch, false, false, lease and 1 or 0}
            """);

    /**
     * KEYS: epoch, page, min-version, lease. ARGV: epoch read before loading, version, body, TTL seconds, lease
     * token (empty if the caller holds none; the lease is released only by its owner), schema.
     * Installs the page only if Redis has not restarted since the read (its minimums would be gone), the version
     * is not below the minimum and not below what is cached; the same version of another schema is replaced.
     * Returns 1 installed, 0 refused as stale, 2 already as new, 3 refused because the epoch changed.
     */
    public static final LuaScript FILL_PRODUCT = LuaScript.of("""
            if ARGV[5] ~= '' and redis.call('GET', KEYS[4]) == ARGV[5] then
              redis.call('DEL', KEYS[4])
            end
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 3
            end
            local v = tonumber(ARGV[2])
            if v < tonumber(redis.call('GET', KEYS[3]) or '0') then
              return 0
            end
            local cached = redis.call('HMGET', KEYS[2], 'v', 's')
            if cached[1] and (tonumber(cached[1]) > v or (tonumber(cached[1]) == v and cached[2] == ARGV[6])) then
              return 2
            end
            redis.call('HSET', KEYS[2], 'v', ARGV[2], 'b', ARGV[3], 's', ARGV[6])
            redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
            return 1
            """);

    /**
     * KEYS: epoch, generation. ARGV: epoch candidate, entry prefix (cache:name:), entry suffix (:key), lease
     * millis, lease token. The entry's key is prefix .. generation .. suffix, read with the generation in one step. Returns
     * {epoch, generation, body or false, 1 if the caller holds the lease}.
     */
    public static final LuaScript GET_AGGREGATE = LuaScript.of(READ_EPOCH + """
            local gen = redis.call('GET', KEYS[2]) or '0'
            local key = ARGV[2] .. gen .. ARGV[3]
            local body = redis.call('GET', key)
            if body then
              return {epoch, gen, body, 0}
            end
            local lease = redis.call('SET', key .. ':lease', ARGV[5], 'NX', 'PX', tonumber(ARGV[4]))
            return {epoch, gen, false, lease and 1 or 0}
            """);

    /**
     * KEYS: epoch, entry (under the generation read before loading). ARGV: epoch read, body, TTL seconds, lease
     * token (empty if none). An
     * entry under a retired generation is harmless (never read again), so only the epoch is checked. Returns 1
     * installed, 3 refused because the epoch changed.
     */
    public static final LuaScript FILL_AGGREGATE = LuaScript.of("""
            if ARGV[4] ~= '' and redis.call('GET', KEYS[2] .. ':lease') == ARGV[4] then
              redis.call('DEL', KEYS[2] .. ':lease')
            end
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 3
            end
            redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
            return 1
            """);

    /** KEYS: lease. ARGV: lease token. Releases the lease if the caller still owns it (a load that failed). */
    public static final LuaScript RELEASE_LEASE = LuaScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    private CacheScripts() {
    }
}
