package io.shop.catalog.cache;

/** The cached read paths; the name is the "cache" tag of every cache meter and part of every Redis key. */
public enum CacheName {
    PRODUCT("product"),
    FEATURED("featured"),
    SEARCH("search");

    private final String tag;

    CacheName(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
