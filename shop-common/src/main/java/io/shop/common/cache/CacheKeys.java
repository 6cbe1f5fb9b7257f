package io.shop.common.cache;

/**
 * Redis key names shared by catalog-service (fills) and cache-invalidator (invalidations). Both sides must agree
 * on them byte for byte, so they are defined once, here.
 */
public final class CacheKeys {

    /** Random token set on first use after Redis starts empty; a fill read under another epoch is refused. */
    public static final String EPOCH = "cache:epoch";
    /** Generation counter of cached search results; bumping it retires every cached search page. */
    public static final String SEARCH_GENERATION = "cache:gen:search";
    /** Generation counter of the cached featured page. */
    public static final String FEATURED_GENERATION = "cache:gen:featured";

    /**
     * The version of the cached values' JSON shape. Bump it with a change to the cached records that is not purely
     * additive (a field renamed, removed or changed in meaning): during a rolling deploy each version then treats the
     * other's values as misses and replaces them, instead of misreading them. Added fields need no bump: values are
     * decoded leniently.
     */
    public static final String SCHEMA = "2";

    private CacheKeys() {
    }

    /** Prefix of {@link #product}, for scripts that build the keys of many products. */
    public static final String PRODUCT_PREFIX = "cache:product:";
    /** Prefix of {@link #productMinVersion}. */
    public static final String PRODUCT_MIN_VERSION_PREFIX = "cache:minver:product:";

    /** A product page: a hash {v: version, b: JSON body, s: {@link #SCHEMA} of the body}. */
    public static String product(long productId) {
        return PRODUCT_PREFIX + productId;
    }

    /** The lowest version of a product page that may still be cached. */
    public static String productMinVersion(long productId) {
        return PRODUCT_MIN_VERSION_PREFIX + productId;
    }

    /** An aggregate entry (featured page, search page) under the schema and the generation it was read with. */
    public static String aggregate(String cache, long generation, String key) {
        return aggregatePrefix(cache) + generation + ":" + key;
    }

    /** The part of {@link #aggregate} before the generation. */
    public static String aggregatePrefix(String cache) {
        return "cache:" + cache + ":s" + SCHEMA + ":";
    }

    /** A short lease: whoever sets it loads the value for every instance. */
    public static String lease(String valueKey) {
        return valueKey + ":lease";
    }
}
