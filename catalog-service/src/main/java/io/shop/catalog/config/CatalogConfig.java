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

    interface Detail {
        @WithDefault("5")
        int recentReviews();

        /** Each leg of the product-detail fan-out fails (or degrades) after this long. */
        @WithDefault("PT0.5S")
        Duration legTimeout();
    }
}
