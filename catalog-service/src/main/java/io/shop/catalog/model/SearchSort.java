package io.shop.catalog.model;

import java.util.Map;

/** The allow-listed orders of search results; each is a keyset over (key, id). */
public enum SearchSort {
    /** Best full-text match first; only meaningful with a query. */
    RELEVANCE("relevance"),
    NEWEST("newest"),
    PRICE_ASC("price_asc"),
    PRICE_DESC("price_desc");

    public static final Map<String, SearchSort> BY_NAME = Map.of(
            RELEVANCE.apiName, RELEVANCE, NEWEST.apiName, NEWEST, PRICE_ASC.apiName, PRICE_ASC,
            PRICE_DESC.apiName, PRICE_DESC);

    private final String apiName;

    SearchSort(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }
}
