package io.shop.bench;

import io.shop.bench.Benchmark.Comparison;
import io.shop.bench.Benchmark.Concurrent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The benchmark's results as a markdown table (for the README) and an SVG chart (log-scale latency bars). */
record Report(String scale, long powerUser, String powerOrders, List<Comparison> comparisons,
              List<Concurrent> concurrent, Instant finishedAt) {

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(f("Benchmark of %s, dataset scale `%s`, 2 cores (`./shop bench`).%n%n", finishedAt, scale));
        md.append("Before: the seed's SQL on the seed's schema (primary keys only). After: the endpoint over HTTP, "
                + "one request at a time, **uncached** (a catalog instance with catalog.cache.enabled=false: the query "
                + "path; order history is never cached) and **cached** (the suite as deployed: the same request "
                + "repeated is an L1 hit, so that column measures the cache, not the query). The goal is judged on the "
                + "uncached path. Latency in ms.\n\n");
        md.append("| page | before p50 | before p95 | before p99 | uncached p50 | uncached p95 | uncached p99 "
                + "| p50 ratio, uncached | cached p50 | cached p99 | p50 ratio, cached | goal |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Comparison c : comparisons) {
            String atLeast = c.before().timedOut() ? "≥ " : "";
            String cached = c.cached() == null ? "not cached | - | -" : f("%.2f | %.2f | %s%.0fx", c.cached().millis(50),
                    c.cached().millis(99), atLeast, c.cachedRatio());
            md.append(f("| %s | %s%.1f | %s%.1f | %s%.1f | %.2f | %.2f | %.2f | **%s%.0fx** | %s | %.0fx %s |%n", c.page(),
                    atLeast, c.before().millis(50), atLeast, c.before().millis(95), atLeast, c.before().millis(99),
                    c.uncached().millis(50), c.uncached().millis(95), c.uncached().millis(99), atLeast, c.ratio(),
                    cached, c.goalRatio(), c.ratio() >= c.goalRatio() ? "met" : "**missed**"));
        }
        if (comparisons.stream().anyMatch(c -> c.before().timedOut())) {
            md.append("\n≥: the seed's query was stopped by the statement timeout (--before-timeout); "
                    + "its figures and ratio are lower bounds.\n");
        }
        md.append("\nUnder load, against the services as deployed, cache on (catalog.cache.enabled=true): repeated "
                + "featured, search and product-page reads are mostly cache hits; order history and checkout are not "
                + "cached. Latency in ms. "
                + "\"N clients\": a closed loop, each client sending its next request when the last one answered, so "
                + "the 2 cores (shared by the load generator, the service and PostgreSQL) run saturated and latency "
                + "is clients / throughput. \"N req/s\": an open model, requests arriving at that rate whatever the "
                + "answers, latency measured from each request's scheduled start.\n\n");
        md.append("| endpoint | load | requests | req/s | p50 | p95 | p99 | errors | p99 goal |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Concurrent c : concurrent) {
            Latencies l = c.latencies();
            md.append(f("| %s | %s | %d | %.0f | %.2f | %.2f | %.2f | %d | < %.0f ms %s |%n", c.name(), c.load(),
                    l.count(), l.perSecond(), l.millis(50), l.millis(95), l.millis(99), l.errors(), c.goalP99Millis(),
                    l.millis(99) < c.goalP99Millis() ? "met" : "**missed**"));
        }
        return md.toString();
    }

    void write(Path dir) throws IOException {
        Benchmark.writeFile(dir.resolve("latest.md"), markdown());
        Benchmark.writeFile(dir.resolve("latest.svg"), svg());
    }

    /** Two panels: before vs after p50 per page, and p50/p95/p99 per endpoint under load; log-scale x axis. */
    String svg() {
        int rowHeight = 22;
        int left = 400;
        int width = 1060;
        int plot = width - left - 90;
        double min = 0.1;
        double max = 100_000;
        StringBuilder s = new StringBuilder();
        int rows = comparisons.size() * 3 + concurrent.size() * 3;
        int height = 110 + rows * rowHeight + 40;
        s.append(f("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>%n", width, height));
        s.append("<rect width='100%' height='100%' fill='white'/>\n");
        s.append(f("<text x='10' y='20' font-size='15' font-weight='bold'>Latency, ms (log scale), dataset %s</text>%n", scale));
        for (double tick = min; tick <= max; tick *= 10) {
            double x = left + plot * Math.log10(tick / min) / Math.log10(max / min);
            s.append(f("<line x1='%.1f' y1='40' x2='%.1f' y2='%d' stroke='#ddd'/>", x, x, height - 30));
            s.append(f("<text x='%.1f' y='%d' text-anchor='middle' fill='#666'>%s</text>%n", x, height - 14,
                    tick < 1 ? String.valueOf(tick) : String.valueOf((long) tick)));
        }
        int y = 50;
        s.append(f("<text x='10' y='%d' font-weight='bold'>Seed SQL (before) vs endpoint uncached and cached (after), p50</text>%n", y));
        y += 10;
        for (Comparison c : comparisons) {
            String atLeast = c.before().timedOut() ? "≥ " : "";
            y = bar(s, y, c.page() + " - before", atLeast, c.before().millis(50), "#d9534f", left, plot, min, max, rowHeight);
            y = bar(s, y, "uncached (" + atLeast + Math.round(c.ratio()) + "x faster)", "", c.uncached().millis(50),
                    "#5cb85c", left, plot, min, max, rowHeight);
            if (c.cached() == null) {
                s.append(f("<text x='%d' y='%d' text-anchor='end' fill='#666'>not cached</text>%n", left - 8, y + 14));
                y += rowHeight;
                continue;
            }
            y = bar(s, y, "cached (" + atLeast + Math.round(c.cachedRatio()) + "x faster)", "", c.cached().millis(50),
                    "#2e7d32", left, plot, min, max, rowHeight);
        }
        y += 20;
        s.append(f("<text x='10' y='%d' font-weight='bold'>Under load: p50 / p95 / p99</text>%n", y));
        y += 10;
        for (Concurrent c : concurrent) {
            y = bar(s, y, c.name() + " p50", "", c.latencies().millis(50), "#5bc0de", left, plot, min, max, rowHeight);
            y = bar(s, y, "p95", "", c.latencies().millis(95), "#337ab7", left, plot, min, max, rowHeight);
            y = bar(s, y, "p99 (" + c.load() + ")", "", c.latencies().millis(99), "#23527c", left, plot, min, max, rowHeight);
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static int bar(StringBuilder s, int y, String label, String valuePrefix, double value, String color,
                           int left, int plot, double min, double max, int rowHeight) {
        double clamped = Math.max(min, Math.min(max, value));
        double w = plot * Math.log10(clamped / min) / Math.log10(max / min);
        s.append(f("<text x='%d' y='%d' text-anchor='end'>%s</text>", left - 8, y + 14, escape(label)));
        s.append(f("<rect x='%d' y='%d' width='%.1f' height='%d' fill='%s'/>", left, y + 3, Math.max(1, w), rowHeight - 6, color));
        s.append(f("<text x='%.1f' y='%d'>%s%s</text>%n", left + w + 6, y + 14, valuePrefix,
                value >= 10 ? f("%.0f", value) : f("%.2f", value)));
        return y + rowHeight;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
