package io.shop.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The cache's consistency check on a cluster of its own: an invalidator and two catalog instances on one database.
 * <ol>
 *   <li>the staleness checker: writers and readers for {@code checkFor}, every read checked;</li>
 *   <li>the outage: the invalidator stopped for {@code outageFor} under writes, started again, and the time until
 *       every cached page on both levels (and each instance's answer) equals the database;</li>
 *   <li>the same with the Kafka broker stopped for {@code brokerDownFor} and started again.</li>
 * </ol>
 * Runs short in the test suite (CacheSystemTest) and long in the cache benchmark ({@code ./shop bench-cache}).
 */
public final class CacheCheck {

    static final String INVALIDATOR = "cache-invalidator";
    static final List<String> CATALOGS = List.of("catalog-1", "catalog-2");
    static final Duration STALENESS_BOUND = Duration.ofSeconds(1);
    static final Duration INVALIDATOR_GOAL = Duration.ofSeconds(5);
    /** Clients reconnect to a restarted broker with back-off, and consumer groups rejoin: a looser bound. */
    static final Duration BROKER_GOAL = Duration.ofSeconds(30);

    record Options(Path repo, Servers servers, String database, Duration checkFor, Duration outageFor, Duration brokerDownFor,
                   int writesPerSecond, int readers) {
    }

    /** How long after a component came back every cached page (and each instance's answer) equalled the database. */
    record Recovery(long writesMeanwhile, double seconds, List<String> stillInconsistent) {

        String describe(String what, Duration goal) {
            return String.format(Locale.ROOT, "| %s: writes meanwhile | %,d |%n| consistent after it is back (goal %d s) | %s |%n",
                    what, writesMeanwhile, goal.toSeconds(), stillInconsistent.isEmpty()
                            ? String.format(Locale.ROOT, "%.2f s", seconds) : "NOT within " + goal.toSeconds() + " s");
        }
    }

    record Report(StalenessChecker.Result staleness, double relayP50, double relayP99, double l1P50, double l1P99,
                  double l1Max, double l2P50, double l2P99, Recovery invalidatorOutage, Recovery brokerRestart) {

        String describe() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "| reads checked | %,d |%n| writes | %,d |%n| stale reads (goal 0) | %d |%n",
                    staleness.reads(), staleness.writes(), staleness.stale()));
            out.append(String.format(Locale.ROOT, "| outbox relay lag (insert to broker ack), p50 / p99 | %.1f / %.1f ms |%n",
                    relayP50 * 1000, relayP99 * 1000));
            out.append(String.format(Locale.ROOT, "| invalidation lag to every L1, p50 / p99 / max | %.1f / %.1f / %.1f ms |%n",
                    l1P50 * 1000, l1P99 * 1000, l1Max * 1000));
            out.append(String.format(Locale.ROOT, "| invalidation lag to L2, p50 / p99 | %.1f / %.1f ms |%n", l2P50 * 1000, l2P99 * 1000));
            out.append(invalidatorOutage.describe("invalidator stopped", INVALIDATOR_GOAL));
            out.append(brokerRestart.describe("Kafka broker stopped", BROKER_GOAL));
            staleness.examples().forEach(e -> out.append("  stale: ").append(e).append('\n'));
            Stream.concat(invalidatorOutage.stillInconsistent().stream(), brokerRestart.stillInconsistent().stream())
                    .limit(5).forEach(e -> out.append("  inconsistent: ").append(e).append('\n'));
            return out.toString();
        }
    }

    private CacheCheck() {
    }

    public static Report execute(Options options) {
        try (LocalCluster cluster = startCluster(options.repo(), options.servers(), options.database())) {
            return runOn(cluster, options);
        }
    }

    /** An invalidator and two catalog instances with caches on, on an emptied Redis database 3. */
    static LocalCluster startCluster(Path repo, Servers servers, String database) {
        new ClusterState(servers, database, 3).flushRedis();
        LocalCluster cluster = new LocalCluster(new LocalCluster.Settings(repo, servers, database, 3,
                "cache-invalidator-check", repo.resolve("load-tests/target/cluster-logs")));
        System.out.println("[cache-check] starting an invalidator and two catalog instances");
        cluster.startInvalidator(INVALIDATOR);
        CATALOGS.forEach(name -> cluster.startCatalog(name, true));
        awaitEvictionStream(catalogUrls(cluster));
        return cluster;
    }

    static List<String> catalogUrls(LocalCluster cluster) {
        return CATALOGS.stream().map(cluster::url).toList();
    }

    static Report runOn(LocalCluster cluster, Options options) {
        ClusterState state = new ClusterState(options.servers(), options.database(), 3);
        List<String> catalogs = catalogUrls(cluster);
        {
            List<Long> products = state.hotProducts(40);
            String token = DevToken.admin(options.repo().resolve("shop-common/src/main/resources/dev-keys/privateKey.pem"), 1);
            StalenessChecker checker = new StalenessChecker(catalogs, products, token);

            PromHistogram relayBefore = relayLag(catalogs);
            PromHistogram l1Before = l1Lag(catalogs);
            PromHistogram l2Before = l2Lag(cluster);
            System.out.printf(Locale.ROOT, "[cache-check] staleness checker: %d s, %d writes/s, %d readers, bound %d ms%n",
                    options.checkFor().toSeconds(), options.writesPerSecond(), options.readers(), STALENESS_BOUND.toMillis());
            StalenessChecker.Result result = checker.run(options.checkFor(), options.writesPerSecond(),
                    Math.max(2, options.writesPerSecond() / 50), options.readers(), STALENESS_BOUND);
            PromHistogram relay = relayLag(catalogs).minus(relayBefore);
            PromHistogram l1 = l1Lag(catalogs).minus(l1Before);
            PromHistogram l2 = l2Lag(cluster).minus(l2Before);

            System.out.printf(Locale.ROOT, "[cache-check] stopping the invalidator for %d s under writes%n",
                    options.outageFor().toSeconds());
            cluster.stop(INVALIDATOR);
            long outageWrites = checker.run(options.outageFor(), Math.min(options.writesPerSecond(), 50), 2, 0,
                    STALENESS_BOUND).writes();
            cluster.startInvalidator(INVALIDATOR);
            Recovery invalidatorOutage = awaitConsistent(state, products, catalogs, checker, outageWrites, INVALIDATOR_GOAL);

            System.out.printf(Locale.ROOT, "[cache-check] stopping the Kafka broker for %d s under writes%n",
                    options.brokerDownFor().toSeconds());
            options.servers().stopBroker().run();
            long brokerDownWrites = checker.run(options.brokerDownFor(), Math.min(options.writesPerSecond(), 50), 2, 0,
                    STALENESS_BOUND).writes();
            options.servers().startBroker().run();
            Recovery brokerRestart = awaitConsistent(state, products, catalogs, checker, brokerDownWrites, BROKER_GOAL);

            return new Report(result, relay.quantile(0.5), relay.quantile(0.99), l1.quantile(0.5), l1.quantile(0.99),
                    l1.quantile(1.0), l2.quantile(0.5), l2.quantile(0.99), invalidatorOutage, brokerRestart);
        }
    }

    private static Recovery awaitConsistent(ClusterState state, List<Long> products, List<String> catalogs,
                                            StalenessChecker checker, long writesMeanwhile, Duration goal) {
        long back = System.nanoTime();
        List<String> mismatches = state.mismatches(products, catalogs, checker);
        while (!mismatches.isEmpty() && System.nanoTime() - back < goal.toNanos()) {
            LocalCluster.sleep(100);
            mismatches = state.mismatches(products, catalogs, checker);
        }
        return new Recovery(writesMeanwhile, (System.nanoTime() - back) / 1e9, mismatches);
    }

    static PromHistogram l1Lag(List<String> catalogs) {
        return sumOver(catalogs, "cache_invalidation_lag_seconds", "level=\"l1\"");
    }

    static PromHistogram relayLag(List<String> catalogs) {
        return sumOver(catalogs, "outbox_relay_lag_seconds", "table=\"catalog.outbox\"");
    }

    private static PromHistogram sumOver(List<String> services, String metric, String labels) {
        PromHistogram sum = new PromHistogram(new java.util.TreeMap<>());
        for (String service : services) {
            sum = sum.plus(PromHistogram.scrape(service + "/q/metrics", metric, labels));
        }
        return sum;
    }

    static PromHistogram l2Lag(LocalCluster cluster) {
        return PromHistogram.scrape(cluster.url(INVALIDATOR) + "/q/metrics", "cache_invalidation_lag_seconds",
                "level=\"l2\"");
    }

    /** Until each instance has heard the invalidator's heartbeats (its L1 is in use). */
    private static void awaitEvictionStream(List<String> catalogs) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (String catalog : catalogs) {
            while (!hearsStream(catalog)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(catalog + " never heard the eviction stream");
                }
                LocalCluster.sleep(200);
            }
        }
    }

    private static boolean hearsStream(String catalog) {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(catalog + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            var m = java.util.regex.Pattern.compile("^cache_evictions_heartbeat_age_seconds (\\S+)$",
                    java.util.regex.Pattern.MULTILINE).matcher(response.body());
            if (!m.find()) {
                return false;
            }
            double age = Double.parseDouble(m.group(1));
            return age >= 0 && age < 1;
        } catch (Exception e) {
            return false;
        }
    }

    /** Long form: {@code CacheCheck [seconds] [outageSeconds] [writesPerSecond] [readers]} against the shop database. */
    public static void main(String[] args) {
        Path repo = Path.of(System.getProperty("shop.repo", ".")).toAbsolutePath().normalize();
        Options options = new Options(repo, Servers.machine(repo), System.getProperty("shop.database", "shop"),
                Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 60),
                Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 30), Duration.ofSeconds(10),
                args.length > 2 ? Integer.parseInt(args[2]) : 50, args.length > 3 ? Integer.parseInt(args[3]) : 4);
        Report report = execute(options);
        System.out.print(report.describe());
        System.exit(report.staleness().stale() == 0 && report.invalidatorOutage().stillInconsistent().isEmpty()
                && report.brokerRestart().stillInconsistent().isEmpty() ? 0 : 1);
    }
}
