package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * order-service SIGKILLed under checkouts on the tests' own PostgreSQL and broker, started again, every unanswered
 * request sent again with its key (CheckoutCrashCheck): nothing committed is lost, nothing is ordered twice.
 */
class CheckoutCrashSystemTest {

    @Test
    void shouldLoseNoCommittedOrderAndOrderNothingTwiceThroughASigkillOfOrderService() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        CheckoutCrashCheck.Result result = CheckoutCrashCheck.run(repo, SystemTestServers.get(),
                SystemTestServers.DATABASE, Duration.ofSeconds(4));
        System.out.print(result.describe());

        assertThat(result.answeredBeforeKill()).as("checkouts answered before the kill").isGreaterThan(50);
        assertThat(result.unansweredAtKill()).as("requests cut by the kill").isPositive();
        assertThat(result.problems()).as("broken guarantees").isEmpty();
        assertThat(result.ordersInDatabase()).as("orders in the database").isEqualTo(result.placed());
    }
}
