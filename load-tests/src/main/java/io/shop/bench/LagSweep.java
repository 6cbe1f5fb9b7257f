package io.shop.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The invalidation lag against the load, on one warm cluster: for each load, a window of the staleness checker's
 * writes and reads (closed-loop readers take whatever CPU is left, as in the checker; a load without readers leaves
 * the machine to the pipeline), the rate reached, the lags' quantiles and the cores each part kept busy. Shows where
 * on this machine the pipeline stops being the lag and the wait for a core starts.
 */
final class LagSweep {

    /** Before each window, the same load unmeasured: the previous rate's queues drain and the new rate settles. */
    static final Duration SETTLE = Duration.ofSeconds(5);

    /** Writes per second (as the checker paces them) and closed-loop readers. */
    record Load(int writesPerSecond, int readers) {
    }

    record Row(Load load, double writesPerSecond, double readsPerSecond, long stale, double relayP99, double l2P99,
               double l1P50, double l1P99, Map<String, Double> cores) {
    }

    private LagSweep() {
    }

    static List<Row> run(LocalCluster cluster, StalenessChecker checker, List<Load> loads, Duration window) {
        List<Row> rows = new ArrayList<>();
        for (Load load : loads) {
            int rate = load.writesPerSecond();
            int readers = load.readers();
            System.out.printf(Locale.ROOT, "[lag-sweep] %d writes/s, %d readers, for %d s%n", rate, readers,
                    window.toSeconds());
            checker.run(SETTLE, rate, StalenessChecker.writersFor(rate), readers, CacheCheck.STALENESS_BOUND);
            CacheCheck.Window measured = CacheCheck.Window.measure(cluster, checker, window, rate, readers);
            CacheCheck.Lags lags = measured.lags();
            rows.add(new Row(load, measured.perSecond(measured.result().writes()),
                    measured.perSecond(measured.result().reads()), measured.result().stale(),
                    lags.relay().quantile(0.99), lags.l2().quantile(0.99), lags.l1().quantile(0.5),
                    lags.l1().quantile(0.99), measured.cores()));
        }
        return rows;
    }

    static String describe(List<Row> rows) {
        StringBuilder out = new StringBuilder("""
                | writes/s: target / reached | readers | reads/s | stale reads | relay p99 | L2 p99 | L1 p50 / p99 (goal p99 under 100 ms) | CPU (cores busy, busiest first) |
                |---|---:|---:|---:|---:|---:|---|---|
                """);
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "| %d / %.0f | %d | %.0f | %d | %.1f ms | %.1f ms | %.1f / %.1f ms | %s |%n",
                    r.load().writesPerSecond(), r.writesPerSecond(), r.load().readers(), r.readsPerSecond(), r.stale(), r.relayP99() * 1e3, r.l2P99() * 1e3,
                    r.l1P50() * 1e3, r.l1P99() * 1e3, CpuUsage.describe(r.cores())));
        }
        return out.toString();
    }
}
