package io.shop.order.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code checkout.outcomes{outcome}}: placed, out_of_stock, replayed (an idempotent retry answered from the stored
 * response), in_progress (a concurrent duplicate), key_reused, invalid, no_account, error.
 */
@ApplicationScoped
public class CheckoutOutcomes {

    private final MeterRegistry registry;

    public CheckoutOutcomes(MeterRegistry registry) {
        this.registry = registry;
        for (String outcome : new String[] {"placed", "out_of_stock", "replayed", "in_progress", "error"}) {
            counter(outcome);
        }
    }

    void record(String outcome) {
        counter(outcome).increment();
    }

    private Counter counter(String outcome) {
        return Counter.builder("checkout.outcomes").tag("outcome", outcome)
                .description("Checkout requests by outcome").register(registry);
    }
}
