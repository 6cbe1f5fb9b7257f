package io.shop.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL stopped, killed (SIGKILL of every process, then crash recovery at start), or frozen with SIGSTOP
 * (connections open, nothing answers), under load, on a harness cluster: for {@code awayFor}, readers of cached
 * product pages, readers of pages never read before and checkouts run against every instance. What a client must see:
 * cached pages keep answering 200; uncached reads and checkouts answer 503 problem+json with {@code Retry-After}, each within
 * {@link #ANSWER_WITHIN}; once PostgreSQL is back, uncached reads and checkouts succeed again without a restart.
 */
final class DatabaseAwayCheck {

    static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);
    /** order-service's shop.http.request-timeout (10 s) plus a margin. */
    static final Duration CHECKOUT_WITHIN = Duration.ofSeconds(12);
    static final Duration RECOVERY_GOAL = Duration.ofSeconds(30);

    /** What one kind of request got while the database was away. */
    record Tally(String name, List<Integer> expectedStatus, Duration within, long total, long expected,
                 List<String> unexpected) {
        boolean passed() {
            return total > 0 && expected == total;
        }
    }

    record Result(String fault, Duration awayFor, List<Tally> tallies, double recoveredAfter) {
        boolean passed() {
            return tallies.stream().allMatch(Tally::passed) && recoveredAfter >= 0;
        }

        String describe() {
            StringBuilder out = new StringBuilder();
            for (Tally t : tallies) {
                out.append(String.format(Locale.ROOT, "| PostgreSQL %s %d s: %s answered %s%s within %d s | %,d of %,d |%n",
                        fault, awayFor.toSeconds(), t.name(), t.expectedStatus().stream().map(String::valueOf)
                                .collect(java.util.stream.Collectors.joining(" or ")),
                        t.expectedStatus().contains(503) ? " (503 with Retry-After)" : "",
                        t.within().toSeconds(), t.expected(), t.total()));
            }
            out.append(String.format(Locale.ROOT, "| PostgreSQL %s, then back: uncached reads and checkouts succeed again, after | %s |%n",
                    fault, recoveredAfter < 0 ? "NOT within " + RECOVERY_GOAL.toSeconds() + " s"
                            : String.format(Locale.ROOT, "%.2f s (no restart)", recoveredAfter)));
            tallies.forEach(t -> t.unexpected().stream().limit(3)
                    .forEach(u -> out.append("  unexpected (").append(t.name()).append("): ").append(u).append('\n')));
            return out.toString();
        }
    }

    /**
     * Where in the list of products never read the next request goes, across runs: each run needs pages that no
     * earlier run cached (its recovery reads cache a few).
     */
    private static final AtomicInteger nextUncached = new AtomicInteger();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DatabaseAwayCheck() {
    }

    /**
     * @param fault  what is done to PostgreSQL ("stopped", "killed (SIGKILL)", "frozen (SIGSTOP)"), by
     *               {@code inject}, undone by {@code recover}
     * @param checkoutStatuses what a checkout may answer meanwhile: 503 while PostgreSQL is stopped; 503, or 201 once
     *                         a frozen PostgreSQL moves again (a freeze shorter than the request deadline)
     */
    static Result run(String fault, Runnable inject, Runnable recover, List<Integer> checkoutStatuses, ClusterState state,
                      List<String> catalogs, String orders, List<Long> cached, String customerToken, Duration awayFor) {
        List<Long> uncached = state.ids("SELECT id FROM catalog.products WHERE is_active AND NOT is_featured"
                + " ORDER BY id DESC LIMIT 5000");
        long variant = state.ids("""
                SELECT i.product_variant_id FROM catalog.inventory i
                  JOIN catalog.product_variants v ON v.id = i.product_variant_id
                  JOIN catalog.products p ON p.id = v.product_id
                 WHERE p.is_active AND i.quantity_available > 10 ORDER BY i.product_variant_id DESC LIMIT 1""").get(0);
        DatabaseAwayCheck check = new DatabaseAwayCheck();
        // Every cached page on every instance, read while the caches are trusted, until Redis holds each of them: a
        // read made while an instance is behind the bound fills nothing, and the phase needs every one cached.
        long fillDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            CacheCheck.awaitServing(catalogs, Duration.ofSeconds(30));
            for (String catalog : catalogs) {
                cached.forEach(id -> check.send(get(catalog + "/products/" + id)));
            }
            if (System.nanoTime() > fillDeadline) {
                throw new IllegalStateException("the cached pages did not reach Redis within 60 s: " + cached);
            }
        } while (state.redisVersions(cached).contains(null));
        System.out.printf(Locale.ROOT, "[cache-check] PostgreSQL %s for %d s under cached and uncached reads and checkouts%n",
                fault, awayFor.toSeconds());
        inject.run();
        List<Tally> tallies;
        try {
            AtomicLong sequence = new AtomicLong();
            tallies = check.during(awayFor, List.of(
                    new Kind("cached product pages", List.of(200), ANSWER_WITHIN, () -> {
                        long i = sequence.incrementAndGet();
                        return get(catalogs.get((int) (i % catalogs.size())) + "/products/" + cached.get((int) (i % cached.size())));
                    }),
                    new Kind("uncached product pages", List.of(503), ANSWER_WITHIN, () -> {
                        int i = nextUncached.getAndIncrement();
                        return get(catalogs.get(i % catalogs.size()) + "/products/" + uncached.get(i % uncached.size()));
                    }),
                    new Kind("checkouts", checkoutStatuses, CHECKOUT_WITHIN, () -> checkout(orders, customerToken, variant))));
        } finally {
            recover.run();
        }
        long back = System.nanoTime();
        double recovered = -1;
        while (System.nanoTime() - back < RECOVERY_GOAL.toNanos()) {
            int i = nextUncached.getAndIncrement() % uncached.size();
            boolean reads = catalogs.stream().allMatch(c -> check.send(get(c + "/products/" + uncached.get(i))).status == 200);
            if (reads && check.send(checkout(orders, customerToken, variant)).status == 201) {
                recovered = (System.nanoTime() - back) / 1e9;
                break;
            }
            LocalCluster.sleep(200);
        }
        return new Result(fault, awayFor, tallies, recovered);
    }

    private record Kind(String name, List<Integer> expectedStatus, Duration within,
                        java.util.function.Supplier<HttpRequest> request) {
    }

    private record Answer(int status, boolean retryAfter, boolean problemJson, long millis, String error) {
    }

    /** Two clients per kind for {@code duration}; every answer checked against the kind's expected status. */
    private List<Tally> during(Duration duration, List<Kind> kinds) {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        List<ConcurrentLinkedQueue<String>> unexpected = new ArrayList<>();
        for (Kind kind : kinds) {
            long[] count = new long[2];
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            counts.add(count);
            unexpected.add(wrong);
            for (int c = 0; c < 2; c++) {
                Thread thread = new Thread(() -> {
                    while (running.get()) {
                        HttpRequest request = kind.request().get();
                        Answer a = send(request);
                        boolean ok = kind.expectedStatus().contains(a.status()) && a.millis() <= kind.within().toMillis()
                                && (a.status() != 503 || (a.retryAfter() && a.problemJson()));
                        synchronized (count) {
                            count[0]++;
                            if (ok) {
                                count[1]++;
                            }
                        }
                        if (!ok && wrong.size() < 20) {
                            wrong.add(String.format(Locale.ROOT, "%s %s: status %d in %d ms, Retry-After %s, problem+json %s%s",
                                    request.method(), request.uri(), a.status(), a.millis(), a.retryAfter(),
                                    a.problemJson(), a.error() == null ? "" : ", " + a.error()));
                        }
                    }
                }, "database-away-" + kind.name());
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }
        LocalCluster.sleep(duration.toMillis());
        running.set(false);
        threads.forEach(t -> {
            try {
                t.join(CHECKOUT_WITHIN.toMillis() + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Tally> tallies = new ArrayList<>();
        for (int k = 0; k < kinds.size(); k++) {
            tallies.add(new Tally(kinds.get(k).name(), kinds.get(k).expectedStatus(), kinds.get(k).within(),
                    counts.get(k)[0], counts.get(k)[1],
                    List.copyOf(unexpected.get(k))));
        }
        return tallies;
    }

    private Answer send(HttpRequest request) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Retry-After").isPresent(),
                    r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                    (System.nanoTime() - t0) / 1_000_000, null);
        } catch (Exception e) {
            return new Answer(-1, false, false, (System.nanoTime() - t0) / 1_000_000, e.toString());
        }
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(CHECKOUT_WITHIN.plusSeconds(5)).GET().build();
    }

    private static HttpRequest checkout(String orders, String token, long variant) {
        return HttpRequest.newBuilder(URI.create(orders + "/orders")).timeout(CHECKOUT_WITHIN.plusSeconds(5))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]}"))
                .build();
    }
}
