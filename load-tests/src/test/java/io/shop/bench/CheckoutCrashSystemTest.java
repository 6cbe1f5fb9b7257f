package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.shop.bench.CheckoutCrashCheck.Victim;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * order-service, then every process of the tests' own PostgreSQL, SIGKILLed under checkouts, started again, every
 * request without an answer (or with a 503) sent again with its key (CheckoutCrashCheck): nothing committed is lost,
 * nothing is ordered twice.
 */
class CheckoutCrashSystemTest {

    @Test
    void shouldLoseNoCommittedOrderAndOrderNothingTwiceThroughASigkillOfOrderService() throws Exception {
        assertNothingLostNorDoubled(Victim.ORDER_SERVICE);
    }

    @Test
    void shouldLoseNoCommittedOrderAndOrderNothingTwiceThroughASigkillOfPostgres() throws Exception {
        assertNothingLostNorDoubled(Victim.POSTGRES);
    }

    private static void assertNothingLostNorDoubled(Victim victim) throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        CheckoutCrashCheck.Result result = CheckoutCrashCheck.run(repo, SystemTestServers.get(),
                SystemTestServers.DATABASE, Duration.ofSeconds(4), victim);
        System.out.print(result.describe());

        assertThat(result.answeredBeforeKill()).as("checkouts answered before the kill").isGreaterThan(50);
        assertThat(result.unansweredAtKill()).as("requests cut by the kill").isPositive();
        assertThat(result.problems()).as("broken guarantees").isEmpty();
        assertThat(result.ordersInDatabase()).as("orders in the database").isEqualTo(result.placed());
    }
}
