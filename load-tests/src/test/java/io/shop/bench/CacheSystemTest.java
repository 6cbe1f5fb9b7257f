package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The cache's end-to-end guarantees on the tests' own PostgreSQL, Redis and Kafka with the built jars: an invalidator
 * and two catalog instances (CacheCheck). The faults are real: the invalidator is SIGKILLed and restarted, then
 * SIGSTOPped and thawed, the tests' own Redis is SIGSTOPped for 3 s, then SIGKILLed and started again empty, and the
 * tests' own broker is SIGKILLed and restarted, then SIGSTOPped and thawed, all under writes and checked reads; then the tests' own PostgreSQL is
 * stopped for 5 s under cached and uncached reads and checkouts (an order-service runs in the cluster) and started
 * again, then SIGKILLed (every process) and started again, then frozen. Short form; ./shop bench-cache runs the long
 * one (60 s, 200 writes/s).
 */
class CacheSystemTest {

    @Test
    void noStaleReadBeyondTheBoundThroughInvalidatorCrashesFreezesAndABrokerOutageAndServingThroughADatabaseOutage() {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        CacheCheck.Report report = CacheCheck.execute(new CacheCheck.Options(repo, SystemTestServers.get(),
                SystemTestServers.DATABASE, Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(8), Duration.ofSeconds(8), 20, 4));
        System.out.print(report.describe());

        assertThat(report.staleness().writes()).as("writes committed").isGreaterThan(200);
        assertThat(report.staleness().reads()).as("reads checked").isGreaterThan(1_000);
        assertThat(report.staleness().failedRequests()).as("failed requests: %s", report.staleness().failures()).isZero();
        assertThat(report.staleness().stale()).as("stale reads: %s", report.staleness().examples()).isZero();
        // A review, a deactivation, an activation, a rename and a new product, each through one instance: on every
        // instance within the bound.
        assertThat(report.visibility()).hasSize(5).allSatisfy(change ->
                assertThat(CacheCheck.visibleInTime(change)).as("%s after %.3f s", change.name(), change.seconds()).isTrue());
        // Checkouts racing price changes and restocks of one product: stock conserved, every page converging.
        RaceCheck.Result race = report.race();
        assertThat(race.placed()).as("orders placed in the race").isPositive();
        assertThat(race.priceChanges()).as("price changes in the race").isPositive();
        assertThat(race.restocks()).as("restocks in the race").isPositive();
        assertThat(race.unexpected()).as("unexpected answers in the race").isEmpty();
        assertThat(race.stockMismatches()).as("stock not conserved").isEmpty();
        assertThat(race.convergedAfter()).as("every page equal to the database after the race").isNotNegative();
        assertThat(report.faults()).hasSize(6).allSatisfy(fault -> {
            assertThat(fault.writes()).as("writes during and after: %s", fault.name()).isGreaterThan(50);
            assertThat(fault.reads()).as("reads checked during and after: %s", fault.name()).isGreaterThan(200);
            assertThat(fault.stale()).as("stale reads: %s %s", fault.name(), fault.staleExamples()).isZero();
            assertThat(fault.servingAfter()).as("caches answering again: %s", fault.name()).isNotNegative();
            assertThat(fault.stillInconsistent()).as("caches consistent again: %s", fault.name()).isEmpty();
        });
        // PostgreSQL stopped for 5 s, and killed (SIGKILL of every process) and started again 5 s later: cached pages
        // 200, uncached reads and checkouts 503 with Retry-After, all within 5 s; afterwards both work again by
        // themselves (after the kill, once PostgreSQL's crash recovery is done).
        // The same with PostgreSQL frozen (SIGSTOP): nothing refuses, nothing answers; deadlines turn hangs into 503s
        // (a checkout waits up to order-service's 10 s request deadline, or answers 201 once PostgreSQL moves again).
        assertThat(report.databaseAway()).hasSize(3).allSatisfy(away -> {
            assertThat(away.tallies()).hasSize(3).allSatisfy(tally -> {
                // A checkout during a freeze waits for the deadline or the thaw: a client gets through one or two.
                assertThat(tally.total()).as("requests while PostgreSQL was %s: %s", away.fault(), tally.name()).isPositive();
                assertThat(tally.expected()).as("PostgreSQL %s: %s answered %s: %s", away.fault(), tally.name(),
                        tally.expectedStatus(), tally.unexpected()).isEqualTo(tally.total());
            });
            assertThat(away.recoveredAfter()).as("recovered without a restart after PostgreSQL %s", away.fault()).isNotNegative();
        });
    }
}
