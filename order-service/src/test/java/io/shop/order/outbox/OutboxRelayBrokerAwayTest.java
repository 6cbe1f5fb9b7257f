package io.shop.order.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.shop.common.testing.TestData;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The relay with its broker away (nothing listens on the configured port): committed rows stay in the outbox,
 * failures are counted, nothing is lost. Once a relay reaches a broker (OutboxRelayTest, any restart) it publishes
 * every row still there.
 */
@QuarkusTest
@TestProfile(OutboxRelayBrokerAwayTest.BrokerAway.class)
class OutboxRelayBrokerAwayTest {

    public static class BrokerAway implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shop.outbox.relay-enabled", "true", "kafka.bootstrap.servers", "127.0.0.1:9",
                    "shop.outbox.poll-interval", "PT0.2S");
        }
    }

    @Inject
    AgroalDataSource db;

    @Inject
    MeterRegistry meters;

    @Test
    void rowsWaitInTheOutboxWhileTheBrokerIsAway() {
        TestData.ensureSmallDataset(db);
        UUID id = UUID.randomUUID();
        TestData.execute(db, """
                INSERT INTO orders.outbox (id, aggregatetype, aggregateid, type, version, payload)
                VALUES (?::uuid, 'order', '1', 'OrderPlaced', 1, '{}'::jsonb)""", id.toString());

        await("a relay batch rolled back").atMost(Duration.ofSeconds(20)).until(() -> failures() >= 1);
        assertThat(TestData.single(db, Long.class, "SELECT count(*) FROM orders.outbox WHERE id = ?::uuid", id.toString()))
                .as("the row is still there, for the next attempt").isEqualTo(1);
    }

    private double failures() {
        var counter = meters.find("outbox.relay.failures").counter();
        return counter == null ? 0 : counter.count();
    }
}
