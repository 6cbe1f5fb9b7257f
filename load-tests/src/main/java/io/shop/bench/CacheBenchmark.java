package io.shop.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cache benchmark, in one run on one dataset (load-tests/run-cache-benchmark.sh):
 * <ol>
 *   <li>hit ratio per level on a Zipf-like read mix (80% product pages, 10% featured, 10% search);</li>
 *   <li>product page p50/p99, cached against uncached (an instance with the cache off), interleaved;</li>
 *   <li>the product-page mix with 1 id in 20 inactive or unknown (404s, cached as tombstones), p50/p99;</li>
 *   <li>the invalidation lag at a quarter, half and all of the write rate, with and without readers, and the CPU
 *       each part used (LagSweep);</li>
 *   <li>the staleness checker and invalidation lag under writes, then the faults (CacheCheck).</li>
 * </ol>
 * Writes load-tests/results/cache.md.
 */
public final class CacheBenchmark {

    static final double ZIPF_EXPONENT = 1.1;
    /**
     * Unchecked writes and reads before the staleness checker. The write path runs only from here on: 5 s (what the
     * system test allows) measured the JIT's first compilations, L1 lag p99 about 300 ms in the first 20 s and
     * about 90 ms in the next 20 s of the same run.
     */
    static final Duration WARM_UP = Duration.ofSeconds(30);
    /** The staleness checker's own warm-up, on a cluster the lag sweep has warmed already. */
    static final Duration CHECK_WARM_UP = Duration.ofSeconds(10);
    static final Duration SWEEP_WINDOW = Duration.ofSeconds(20);

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("shop.repo", ".")).toAbsolutePath().normalize();
        String database = System.getProperty("shop.database", "shop");
        int writesPerSecond = Integer.getInteger("bench.writes", 200);
        long mixReads = Long.getLong("bench.mix-reads", 120_000);
        new CacheBenchmark().run(repo, Servers.machine(repo), database, mixReads, writesPerSecond);
    }

    /**
     * @param mixReads how many reads the hit ratio is measured over (after a third as many to warm up): a count, not
     *                 a time, so that the ratio does not depend on how fast the machine is
     */
    void run(Path repo, Servers servers, String database, long mixReads, int writesPerSecond) throws Exception {
        List<Long> products = activeProducts(servers, database);
        List<String> words = searchWords(servers, database);
        System.out.printf(Locale.ROOT, "[cache-bench] %,d active products, %d search words, Zipf exponent %.1f%n",
                products.size(), words.size(), ZIPF_EXPONENT);
        StringBuilder md = new StringBuilder("# Cache benchmark\n\n");
        try (LocalCluster cluster = CacheCheck.startCluster(repo, servers, database)) {
            cluster.startCatalog("catalog-uncached", false);
            List<String> catalogs = CacheCheck.catalogUrls(cluster);

            // 1. Hit ratio: warm for a third of the time, then measure.
            Zipf zipf = new Zipf(products.size(), ZIPF_EXPONENT, 42);
            Zipf zipfWords = new Zipf(words.size(), ZIPF_EXPONENT, 43);
            System.out.println("[cache-bench] read mix: warming up");
            readMix(catalogs, products, words, zipf, zipfWords, mixReads / 3, 4);
            CacheCounts before = CacheCounts.scrape(catalogs);
            System.out.println("[cache-bench] read mix: measuring");
            long mixStart = System.nanoTime();
            long reads = readMix(catalogs, products, words, zipf, zipfWords, mixReads, 4);
            double mixSeconds = (System.nanoTime() - mixStart) / 1e9;
            CacheCounts mix = CacheCounts.scrape(catalogs).minus(before);
            md.append(String.format(Locale.ROOT, """
                    ## Hit ratio, Zipf-like read mix (exponent %.1f; 80%% product pages, 10%% featured, 10%% search)

                    | level | hit ratio |
                    |---|---|
                    | L1 (Caffeine, per instance) | %.1f%% |
                    | L2 (Redis, shared), of L1 misses | %.1f%% |
                    | overall (goal 92%%) | %.1f%% |

                    %,d reads over two instances (after %,d to warm up; in %.0f s); %,d went to PostgreSQL.

                    """, ZIPF_EXPONENT, mix.l1Ratio() * 100, mix.l2Ratio() * 100, mix.overallRatio(reads) * 100, reads,
                    mixReads / 3, mixSeconds, (long) mix.loads()));

            // 2. Product page cached vs uncached, same ids, interleaved request by request.
            System.out.println("[cache-bench] product page: cached vs uncached");
            Latencies cached = new Latencies();
            Latencies uncached = new Latencies();
            Random random = new Random(7);
            for (int i = 0; i < 4000; i++) {
                long id = products.get(zipf.next(random));
                time(cached, catalogs.get(0) + "/products/" + id);
                time(uncached, cluster.url("catalog-uncached") + "/products/" + id);
            }
            md.append(String.format(Locale.ROOT, """
                    ## Product page, cached against uncached (serial, interleaved, Zipf ids)

                    | | p50 | p99 |
                    |---|---|---|
                    | cached (L1/L2) | %.2f ms | %.2f ms |
                    | uncached (4 parallel queries) | %.2f ms | %.2f ms |
                    | ratio | %.1fx | %.1fx |

                    """, cached.millis(50), cached.millis(99), uncached.millis(50), uncached.millis(99),
                    uncached.millis(50) / cached.millis(50), uncached.millis(99) / cached.millis(99)));

            // Idle, it would still take a share of the CPU (its relay, its eviction stream) from what follows.
            cluster.stop("catalog-uncached");

            // 2b. The product-page mix with 404s: 1 id in 20 (over every popularity rank) is inactive or unknown.
            System.out.println("[cache-bench] product page mix with 5% inactive or unknown ids");
            List<Long> withMissing = withMissingIds(servers, database, products);
            Latencies mixed = new Latencies();
            Latencies notFound = new Latencies();
            long[] statuses = new long[2];
            for (int i = 0; i < 8000; i++) {
                long id = withMissing.get(zipf.next(random));
                long start = System.nanoTime();
                int status = LocalCluster.get(catalogs.get(i % catalogs.size()) + "/products/" + id);
                long nanos = System.nanoTime() - start;
                if (i >= 2000) { // the first 2,000 warm the caches, 404s included
                    mixed.record(nanos, status == 200 || status == 404);
                    statuses[status == 404 ? 1 : 0]++;
                    if (status == 404) {
                        notFound.record(nanos, true);
                    }
                }
            }
            md.append(String.format(Locale.ROOT, """
                    ## Product-page mix with 404s (Zipf ids, 1 in 20 inactive or unknown, both instances, cache warm)

                    | | answers | p50 | p99 |
                    |---|---:|---|---|
                    | every answer (goal p99 under 10 ms) | %,d (%,d 404s, %,d errors) | %.2f ms | %.2f ms |
                    | the 404s alone (cached tombstones) | %,d | %.2f ms | %.2f ms |

                    """, mixed.count(), statuses[1], mixed.errors(), mixed.millis(50), mixed.millis(99),
                    notFound.count(), notFound.millis(50), notFound.millis(99)));

            // 3. The invalidation lag against the load, after a warm-up of the highest write rate.
            // First without readers: the pipeline's own lag, on a machine that is not saturated.
            List<LagSweep.Load> loads = List.of(new LagSweep.Load(writesPerSecond / 4, 0),
                    new LagSweep.Load(writesPerSecond, 0), new LagSweep.Load(writesPerSecond / 4, 2),
                    new LagSweep.Load(writesPerSecond / 2, 2), new LagSweep.Load(writesPerSecond, 2));
            StalenessChecker sweepChecker = new StalenessChecker(catalogs,
                    new ClusterState(servers, database, 3).hotProducts(40),
                    DevToken.admin(repo.resolve("dev-keys/privateKey.pem"), 1));
            System.out.printf(Locale.ROOT, "[cache-bench] lag sweep: warm-up, %d s of %d writes/s%n", WARM_UP.toSeconds(),
                    writesPerSecond);
            sweepChecker.run(WARM_UP, writesPerSecond, writesPerSecond / 5, 2, CacheCheck.STALENESS_BOUND);
            List<LagSweep.Row> sweep = LagSweep.run(cluster, sweepChecker, loads, SWEEP_WINDOW);
            md.append(String.format(Locale.ROOT, """
                    ## Invalidation lag against the load (%d s per load after %d s settling; the cluster warm)

                    """, SWEEP_WINDOW.toSeconds(), LagSweep.SETTLE.toSeconds())).append(LagSweep.describe(sweep)).append('\n');

            // 4. Staleness and lag under writes, then the outage; the cluster is warm from the sweep.
            CacheCheck.Report report = CacheCheck.runOn(cluster, new CacheCheck.Options(repo, servers, database,
                    CHECK_WARM_UP, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(10), writesPerSecond, 2));
            md.append(String.format(Locale.ROOT, """
                    ## Consistency under %d writes/s (staleness checker, 60 s after the lag sweep and a %d s warm-up; bound 1 s), then the invalidator killed (SIGKILL) for 30 s, frozen (SIGSTOP) for 30 s, and a 10 s broker outage, reads checked throughout

                    | | |
                    |---|---|
                    """, writesPerSecond, CHECK_WARM_UP.toSeconds())).append(report.describe()).append('\n');
        }
        md.append("Reproduce: `load-tests/run-cache-benchmark.sh` (needs `./shop up`; starts its own instances on free ports).\n");
        Path out = repo.resolve("load-tests/results/cache.md");
        Files.writeString(out, md.toString());
        System.out.println();
        System.out.print(md);
        System.out.println("[cache-bench] written to " + out);
    }

    /** {@code count} reads of the mix from {@code threads} threads; answers how many were 200s. */
    private long readMix(List<String> catalogs, List<Long> products, List<String> words, Zipf zipf, Zipf zipfWords,
                         long count, int threads) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong issued = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(100 + t);
            String catalog = catalogs.get(t % catalogs.size());
            Thread worker = new Thread(() -> {
                while (issued.incrementAndGet() <= count) {
                    int kind = random.nextInt(10);
                    String path = kind < 8 ? "/products/" + products.get(zipf.next(random))
                            : kind == 8 ? "/products/featured"
                            : "/products?q=" + words.get(zipfWords.next(random));
                    if (LocalCluster.get(catalog + path) == 200) {
                        done.incrementAndGet();
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return done.get();
    }

    private void time(Latencies latencies, String url) {
        long start = System.nanoTime();
        int status = LocalCluster.get(url);
        latencies.record(System.nanoTime() - start, status == 200);
    }

    private static List<Long> activeProducts(Servers servers, String database) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(servers.jdbcUrl(database));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM catalog.products WHERE is_active ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        // Popularity is unrelated to id: a fixed shuffle decides which products are the hot ones.
        Collections.shuffle(ids, new Random(1));
        return ids;
    }

    /**
     * The popularity-ranked active ids with every 20th rank given to an id that answers 404: an inactive product
     * where there are enough, else an id past the last product.
     */
    private static List<Long> withMissingIds(Servers servers, String database, List<Long> products) throws SQLException {
        List<Long> missing = new ArrayList<>();
        long maxId;
        try (Connection c = DriverManager.getConnection(servers.jdbcUrl(database)); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id FROM catalog.products WHERE NOT is_active ORDER BY id")) {
                while (rs.next()) {
                    missing.add(rs.getLong(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM catalog.products")) {
                rs.next();
                maxId = rs.getLong(1);
            }
        }
        Collections.shuffle(missing, new Random(2));
        List<Long> ids = new ArrayList<>(products);
        for (int rank = 19, k = 0; rank < ids.size(); rank += 20, k++) {
            ids.set(rank, k < missing.size() && k % 2 == 0 ? missing.get(k) : maxId + 1 + k);
        }
        return ids;
    }

    private static List<String> searchWords(Servers servers, String database) throws SQLException {
        List<String> words = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(servers.jdbcUrl(database));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT w FROM (SELECT lower(split_part(name, ' ', 1)) AS w, count(*) AS n FROM catalog.products
                      GROUP BY 1 ORDER BY n DESC LIMIT 60) t WHERE length(w) >= 3""")) {
            while (rs.next()) {
                words.add(rs.getString(1));
            }
        }
        return words;
    }

    /** Ranks 0..n-1 with P(rank k) proportional to 1 / (k+1)^s, by inverse CDF. */
    static final class Zipf {
        private final double[] cdf;

        Zipf(int n, double s, long seed) {
            cdf = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += 1.0 / Math.pow(k + 1, s);
                cdf[k] = sum;
            }
            for (int k = 0; k < n; k++) {
                cdf[k] /= sum;
            }
        }

        int next(Random random) {
            int i = Arrays.binarySearch(cdf, random.nextDouble());
            return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
        }
    }

    /** Sums of the cache counters over the instances. */
    record CacheCounts(double l1Hit, double l1Miss, double l2Hit, double l2Miss, double loads) {

        private static final Pattern LINE = Pattern.compile("^cache_(gets|loads)_total\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);

        static CacheCounts scrape(List<String> catalogs) {
            double[] c = new double[5];
            HttpClient client = HttpClient.newHttpClient();
            for (String catalog : catalogs) {
                try {
                    String body = client.send(HttpRequest.newBuilder(URI.create(catalog + "/q/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    Matcher m = LINE.matcher(body);
                    while (m.find()) {
                        String labels = m.group(2);
                        double v = Double.parseDouble(m.group(3));
                        if (m.group(1).equals("loads")) {
                            c[4] += v;
                        } else {
                            boolean l1 = labels.contains("level=\"l1\"");
                            boolean hit = labels.contains("result=\"hit\"");
                            c[(l1 ? 0 : 2) + (hit ? 0 : 1)] += v;
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new CacheCounts(c[0], c[1], c[2], c[3], c[4]);
        }

        CacheCounts minus(CacheCounts o) {
            return new CacheCounts(l1Hit - o.l1Hit, l1Miss - o.l1Miss, l2Hit - o.l2Hit, l2Miss - o.l2Miss, loads - o.loads);
        }

        double l1Ratio() {
            return l1Hit / Math.max(1, l1Hit + l1Miss);
        }

        double l2Ratio() {
            return l2Hit / Math.max(1, l2Hit + l2Miss);
        }

        double overallRatio(long reads) {
            return 1 - loads / Math.max(1, reads);
        }
    }
}
