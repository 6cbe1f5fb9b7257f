package io.shop.order.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of order-service. */
@ConfigMapping(prefix = "orders")
public interface OrderConfig {

    History history();

    Idempotency idempotency();

    interface History {
        @WithDefault("20")
        int defaultPageSize();

        @WithDefault("100")
        int maxPageSize();
    }

    interface Idempotency {
        @WithDefault("100")
        int maxKeyLength();
    }
}
