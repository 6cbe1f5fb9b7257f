package io.shop.order.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

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
        /** A claimed key whose checkout has not finished after this long is taken to be abandoned. */
        @WithDefault("PT30S")
        Duration claimLease();

        @WithDefault("100")
        int maxKeyLength();
    }
}
