package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The cache's end-to-end guarantees on the tests' own PostgreSQL, Redis and Kafka with the built jars: an invalidator
 * and two catalog instances (CacheCheck); the broker outage stops and starts the tests' broker, never another. Short form; ./shop bench-cache runs the long one (60 s, 200 writes/s).
 */
class CacheSystemTest {

    @Test
    void noStaleReadAfterTheBoundAndNoInvalidationLostToAnInvalidatorOrBrokerOutage() {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        CacheCheck.Report report = CacheCheck.execute(new CacheCheck.Options(repo, SystemTestServers.get(), "shop_test",
                Duration.ofSeconds(20), Duration.ofSeconds(8), Duration.ofSeconds(8), 20, 4));
        System.out.print(report.describe());

        assertThat(report.staleness().writes()).as("writes committed").isGreaterThan(200);
        assertThat(report.staleness().reads()).as("reads checked").isGreaterThan(1_000);
        assertThat(report.staleness().failedRequests()).as("failed requests").isZero();
        assertThat(report.staleness().stale()).as("stale reads: %s", report.staleness().examples()).isZero();
        assertThat(report.invalidatorOutage().writesMeanwhile()).as("writes while the invalidator was away").isGreaterThan(50);
        assertThat(report.invalidatorOutage().stillInconsistent()).as("caches 5 s after the invalidator is back").isEmpty();
        assertThat(report.brokerRestart().writesMeanwhile()).as("writes while the broker was away").isGreaterThan(50);
        assertThat(report.brokerRestart().stillInconsistent()).as("caches 30 s after the broker is back").isEmpty();
    }
}
