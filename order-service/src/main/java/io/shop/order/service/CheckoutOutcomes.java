package io.shop.order.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code checkout.outcomes{outcome}}: placed, out_of_stock, replayed (an idempotent retry answered from the stored
 * response), in_progress (a concurrent duplicate), key_reused, invalid, no_account, error. Created at start, so
 * the main outcomes are exported (as 0) before the first checkout and dashboards never show an empty panel.
 */
@Startup
@ApplicationScoped
public class CheckoutOutcomes {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public CheckoutOutcomes(MeterRegistry registry) {
        this.registry = registry;
        for (String outcome : new String[] {"placed", "out_of_stock", "replayed", "in_progress", "error"}) {
            counters.put(outcome, counter(outcome));
        }
    }

    void record(String outcome) {
        counters.computeIfAbsent(outcome, this::counter).increment();
    }

    private Counter counter(String outcome) {
        return Counter.builder("checkout.outcomes").tag("outcome", outcome)
                .description("Checkout requests by outcome").register(registry);
    }
}
