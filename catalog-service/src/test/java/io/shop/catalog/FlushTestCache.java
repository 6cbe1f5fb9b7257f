package io.shop.catalog;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;

/**
 * Test-only: empties the tests' Redis database (1) when the test application starts, so that no page cached by an
 * earlier run, before other services' tests changed the data, can answer a test here.
 */
@ApplicationScoped
public class FlushTestCache {

    void flush(@Observes @Priority(1) StartupEvent ignored, RedisDataSource redis) {
        redis.execute("FLUSHDB");
    }
}
