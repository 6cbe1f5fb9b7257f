package io.shop.catalog.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits and timeouts of the catalog read path. */
@ConfigMapping(prefix = "catalog")
public interface CatalogConfig {

    Featured featured();

    Search search();

    Detail detail();

    Reviews reviews();

    /**
     * Deadline of every read that fills a cache (a list, or a whole product page): past it the read fails as if the
     * database were away (a cached value is served if there is one, else 503 with Retry-After), never a hang.
     */
    @WithDefault("PT2S")
    Duration queryTimeout();

    Cache cache();

    interface Featured {
        @WithDefault("12")
        int defaultLimit();

        @WithDefault("48")
        int maxLimit();
    }

    interface Search {
        @WithDefault("20")
        int defaultPageSize();

        @WithDefault("100")
        int maxPageSize();

        @WithDefault("200")
        int maxQueryLength();
    }

    interface Reviews {
        @WithDefault("20")
        int defaultPageSize();

        @WithDefault("100")
        int maxPageSize();
    }

    interface Detail {
        @WithDefault("5")
        int recentReviews();

        /** Each leg of the product-detail fan-out fails (or degrades) after this long. */
        @WithDefault("PT0.5S")
        Duration legTimeout();
    }

    /** The two-level cache: Caffeine L1 per instance, Redis L2 shared; see io.shop.catalog.cache. */
    interface Cache {
        /** Off: every read goes to PostgreSQL (the benchmark's "uncached" side). */
        @WithDefault("true")
        boolean enabled();

        /** L1 entries live this long at most even if no eviction arrives: the last line of defence. */
        @WithDefault("PT30S")
        Duration l1Ttl();

        /** Product pages in L1: about 2.7 KB of heap each (measured on the large dataset), 55 MB when full. */
        @WithDefault("20000")
        long l1MaxEntries();

        /**
         * Lists in L1, per kind (featured pages, search results): a search page holds up to a page of products, and
         * the variety of searches is the client's to choose, so this bound keeps any mix of queries within the heap.
         */
        @WithDefault("2000")
        long l1MaxLists();

        @WithDefault("PT10M")
        Duration productTtl();

        /** The seed's TTLs: featured 5 minutes, search 1 hour (both also invalidated by events). */
        @WithDefault("PT5M")
        Duration featuredTtl();

        @WithDefault("PT1H")
        Duration searchTtl();

        /**
         * The caches may answer only while every change committed more than this long ago is known to be applied to
         * both levels (the invalidator's progress, see EvictionStream); behind it, {@link #whenBehind()} applies.
         */
        @WithDefault("PT3S")
        Duration stalenessBound();

        /** What a read does while the progress is behind the staleness bound. */
        @WithDefault("bypass")
        WhenBehind whenBehind();

        /** Every outbox table whose changes reach catalog.product-changed: progress must be heard from each. */
        @WithDefault("catalog.outbox,orders.outbox")
        java.util.List<String> freshnessSources();

        /** A Redis call slower than this counts as a failure (the read goes on to PostgreSQL). */
        @WithDefault("PT0.1S")
        Duration redisTimeout();

        /** After this many consecutive Redis failures, L2 is skipped for breakerOpenFor. */
        @WithDefault("5")
        int breakerFailureThreshold();

        @WithDefault("PT5S")
        Duration breakerOpenFor();

        /** How long one instance may hold the right to load a missing key for all. */
        @WithDefault("PT1S")
        Duration leaseTtl();

        /** How long a reader that lost the lease polls L2 before loading itself. */
        @WithDefault("PT0.15S")
        Duration leaseWait();
    }

    /** Behind the staleness bound: read PostgreSQL (one load per key per instance, nothing filled), or keep L2. */
    enum WhenBehind {
        /** Both levels bypassed: every answer is at most the staleness bound old. The default. */
        BYPASS,
        /** L1 bypassed, L2 still answers (its version checks still hold; only missed invalidations can slip). */
        SERVE_STALE
    }
}
