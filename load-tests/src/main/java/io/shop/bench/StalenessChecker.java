package io.shop.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The randomized concurrent staleness checker. Writers change product prices through the admin API of the catalog
 * instances (each write commits a new product version); readers read product pages from every instance at once.
 * Each read records when it started and which version it returned; each write, when its response arrived (its
 * commit is before that). A read is stale if it started more than {@code bound} after the commit of version v of
 * its product and returned a version below v.
 */
final class StalenessChecker {

    record Write(long product, long version, long committedNanos) {
    }

    record Read(long product, long startNanos, long version, int instance) {
    }

    record Result(long writes, long reads, long stale, List<String> examples, long failedRequests,
                  List<String> failures) {
    }

    /** The first few failed requests, with what went wrong: a result names them, not only counts them. */
    private final ConcurrentLinkedQueue<String> failureReasons = new ConcurrentLinkedQueue<>();

    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> catalogs;
    private final List<Long> products;
    private final String adminToken;

    StalenessChecker(List<String> catalogs, List<Long> products, String adminToken) {
        this.catalogs = catalogs;
        this.products = products;
        this.adminToken = adminToken;
    }

    /** Runs writers and readers for {@code duration}, then checks every read; prints progress every 5 s. */
    /** Writer threads for a rate: each paces its own writes, and one that waits on a slow answer must not stall it. */
    static int writersFor(int writesPerSecond) {
        return Math.max(2, writesPerSecond / 5);
    }

    Result run(Duration duration, int writesPerSecond, int writers, int readers, Duration bound) {
        ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long intervalNanos = Duration.ofSeconds(1).toNanos() * writers / Math.max(1, writesPerSecond);
        for (int w = 0; w < writers; w++) {
            threads.add(start("writer-" + w, () -> {
                long next = System.nanoTime();
                while (running.get()) {
                    long product = products.get(ThreadLocalRandom.current().nextInt(products.size()));
                    Long version = writePrice(product);
                    if (version == null) {
                        failures.incrementAndGet();
                    } else {
                        writes.add(new Write(product, version, System.nanoTime()));
                    }
                    next += intervalNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LocalCluster.sleep(wait / 1_000_000);
                    }
                }
            }));
        }
        for (int r = 0; r < readers; r++) {
            threads.add(start("reader-" + r, () -> {
                while (running.get()) {
                    long product = products.get(ThreadLocalRandom.current().nextInt(products.size()));
                    int instance = ThreadLocalRandom.current().nextInt(catalogs.size());
                    long start = System.nanoTime();
                    Long version = readVersion(catalogs.get(instance), product);
                    if (version == null) {
                        failures.incrementAndGet();
                    } else {
                        reads.add(new Read(product, start, version, instance));
                    }
                }
            }));
        }
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            LocalCluster.sleep(Math.min(5_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            System.out.printf(Locale.ROOT, "[checker] %d writes, %d reads so far%n", writes.size(), reads.size());
        }
        running.set(false);
        threads.forEach(t -> {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Result checked = check(new ArrayList<>(writes), new ArrayList<>(reads), bound, failures.get());
        List<String> reasons = new ArrayList<>(failureReasons);
        failureReasons.clear();
        return new Result(checked.writes(), checked.reads(), checked.stale(), checked.examples(),
                checked.failedRequests(), reasons);
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.start();
        return thread;
    }

    /** For each read: the newest version committed more than {@code bound} before it started must not be newer. */
    static Result check(List<Write> writes, List<Read> reads, Duration bound, long failures) {
        Map<Long, List<Write>> byProduct = new HashMap<>();
        for (Write w : writes) {
            byProduct.computeIfAbsent(w.product(), k -> new ArrayList<>()).add(w);
        }
        // Versions of one product commit in order; sort by commit time and keep a running maximum of versions.
        Map<Long, TreeMap<Long, Long>> newestCommittedBy = new HashMap<>();
        byProduct.forEach((product, list) -> {
            list.sort((a, b) -> Long.compare(a.committedNanos(), b.committedNanos()));
            TreeMap<Long, Long> timeline = new TreeMap<>();
            long max = 0;
            for (Write w : list) {
                max = Math.max(max, w.version());
                timeline.put(w.committedNanos(), max);
            }
            newestCommittedBy.put(product, timeline);
        });
        long stale = 0;
        List<String> examples = new ArrayList<>();
        for (Read r : reads) {
            TreeMap<Long, Long> timeline = newestCommittedBy.get(r.product());
            if (timeline == null) {
                continue;
            }
            var entry = timeline.floorEntry(r.startNanos() - bound.toNanos());
            if (entry != null && r.version() < entry.getValue()) {
                stale++;
                if (examples.size() < 5) {
                    examples.add(String.format(Locale.ROOT, "product %d on instance %d: read v%d, v%d committed %d ms before the read",
                            r.product(), r.instance(), r.version(), entry.getValue(), (r.startNanos() - entry.getKey()) / 1_000_000));
                }
            }
        }
        return new Result(writes.size(), reads.size(), stale, Collections.unmodifiableList(examples), failures, List.of());
    }

    Long writePrice(long product) {
        String price = String.format(Locale.ROOT, "%d.%02d", ThreadLocalRandom.current().nextInt(10, 1000),
                ThreadLocalRandom.current().nextInt(100));
        String catalog = catalogs.get(ThreadLocalRandom.current().nextInt(catalogs.size()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(catalog + "/admin/products/" + product))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"price\": " + price + "}")).build();
        return versionOf(send(request));
    }

    Long readVersion(String catalog, long product) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(catalog + "/products/" + product))
                .timeout(Duration.ofSeconds(5)).build();
        return versionOf(send(request));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            failed(request.method() + " " + request.uri() + ": " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void failed(String reason) {
        if (failureReasons.size() < 5) {
            failureReasons.add(reason);
        }
    }

    private Long versionOf(HttpResponse<String> response) {
        if (response == null) {
            return null;
        }
        if (response.statusCode() != 200) {
            failed(response.request().method() + " " + response.uri() + ": " + response.statusCode() + " " + response.body());
            return null;
        }
        Matcher m = VERSION.matcher(response.body());
        return m.find() ? Long.parseLong(m.group(1)) : null;
    }
}
