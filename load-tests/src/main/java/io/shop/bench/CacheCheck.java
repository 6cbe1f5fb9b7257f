package io.shop.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cache's consistency check on a cluster of its own: an invalidator and two catalog instances on one database.
 * <ol>
 *   <li>the staleness checker: writers and readers for {@code checkFor}, every read checked;</li>
 *   <li>other writes visible on every instance within the bound (VisibilityCheck), and checkouts racing price
 *       changes and restocks of one product: stock conserved, every page converging (RaceCheck);</li>
 *   <li>faults, each under writes and reads, every read checked against the same bound: the invalidator killed
 *       (SIGKILL, as an OOM kill or a lost node does it) and started again after {@code outageFor}; the invalidator
 *       frozen (SIGSTOP) for {@code outageFor} and thawed; Redis frozen for 3 s, then killed (SIGKILL) and started
 *       again empty 3 s later (where it is ours to fault); the
 *       Kafka broker stopped (as the servers' stopBroker does it) for {@code brokerDownFor} and started again, then
 *       (where it is ours to freeze) frozen with SIGSTOP for as long and thawed. After
 *       each: how long the caches were bypassed, how long until they answer again and until every cached page on
 *       both levels (and each instance's answer) equals the database;</li>
 *   <li>where PostgreSQL is ours to stop: PostgreSQL stopped for 5 s under cached and uncached reads and checkouts
 *       (DatabaseAwayCheck), then started again; then killed (SIGKILL of every process) and started 5 s later (crash
 *       recovery); then frozen (SIGSTOP) for 5 s the same way, then thawed.</li>
 * </ol>
 * Runs short in the test suite (CacheSystemTest) and long in the cache benchmark ({@code ./shop bench-cache}).
 */
public final class CacheCheck {

    static final String INVALIDATOR = "cache-invalidator";
    static final List<String> CATALOGS = List.of("catalog-1", "catalog-2");
    /** The checker's bound and the instances' catalog.cache.staleness-bound: a read may be at most this old. */
    static final Duration STALENESS_BOUND = Duration.ofSeconds(1);
    /** Time after a fault ends during which reads go on being checked, while the pipeline catches up. */
    static final Duration AFTER_FAULT = Duration.ofSeconds(6);
    static final Duration INVALIDATOR_GOAL = Duration.ofSeconds(15);
    static final Duration REDIS_FROZEN_FOR = Duration.ofSeconds(3);
    /** Clients reconnect to a restarted broker with back-off, and consumer groups rejoin: a looser bound. */
    static final Duration BROKER_GOAL = Duration.ofSeconds(45);
    static final Duration DATABASE_AWAY_FOR = Duration.ofSeconds(5);
    /** How long checkouts race price changes and restocks of one product (RaceCheck). */
    static final Duration RACE_FOR = Duration.ofSeconds(8);

    /**
     * @param warmUp the same writes and reads, unchecked, before the checker: a freshly started cluster compiles its
     *               hot paths for the first tens of seconds (on 2 cores, every process at once), and what is measured
     *               should be the suite, not its start
     */
    record Options(Path repo, Servers servers, String database, Duration warmUp, Duration checkFor, Duration outageFor,
                   Duration brokerDownFor, int writesPerSecond, int readers) {
    }

    /**
     * One fault: the reads checked during it and in the seconds after it, how long after it ended the caches answered
     * again (-1: not within the goal), and how long after the writers stopped every level equalled the database.
     */
    record Fault(String name, long writes, long reads, long stale, List<String> staleExamples, double bypassedFor,
                 double servingAfter, double consistentAfter, List<String> stillInconsistent, Duration goal) {

        boolean passed() {
            return stale == 0 && stillInconsistent.isEmpty();
        }

        String describe() {
            return String.format(Locale.ROOT, "| %s: writes / reads checked / stale reads (goal 0) | %,d / %,d / %d |%n"
                            + "| %s: caches bypassed (by any instance) during it and the %d s after | %.1f s |%n"
                            + "| %s: caches answering again, after it is back (ready) | %s |%n"
                            + "| %s: every level equal to the database, after the writers stopped (goal %d s) | %s |%n",
                    name, writes, reads, stale, name, AFTER_FAULT.toSeconds(), bypassedFor, name, servingAfter < 0 ? "not within " + goal.toSeconds() + " s"
                            : String.format(Locale.ROOT, "%.2f s", servingAfter),
                    name, goal.toSeconds(), stillInconsistent.isEmpty()
                            ? String.format(Locale.ROOT, "%.2f s", consistentAfter) : "NOT within " + goal.toSeconds() + " s");
        }
    }

    /**
     * @param writesTarget the checker's write rate; {@code checkedFor} how long it ran (measured), {@code checkerCores} the
     *                     cores each part of the machine kept busy meanwhile (CpuUsage)
     * @param databaseAway empty where PostgreSQL is not ours to stop (the machine's)
     */
    record Report(StalenessChecker.Result staleness, int writesTarget, Duration checkedFor,
                  Map<String, Double> checkerCores, double relayP50, double relayP99, double l1P50, double l1P99,
                  double l1Max, double l2P50, double l2P99, List<VisibilityCheck.Change> visibility,
                  RaceCheck.Result race, List<Fault> faults, List<DatabaseAwayCheck.Result> databaseAway) {

        boolean passed() {
            return staleness.stale() == 0 && visibility.stream().allMatch(CacheCheck::visibleInTime) && race.passed()
                    && faults.stream().allMatch(Fault::passed) && databaseAway.stream().allMatch(DatabaseAwayCheck.Result::passed);
        }

        String describe() {
            StringBuilder out = new StringBuilder();
            double seconds = checkedFor.toMillis() / 1e3;
            out.append(String.format(Locale.ROOT, "| reads checked | %,d (%.0f/s) |%n| writes (target %d/s) | %,d (%.0f/s) |%n"
                            + "| stale reads (goal 0) | %d |%n| CPU during the checker (cores busy, busiest first) | %s |%n",
                    staleness.reads(), staleness.reads() / seconds, writesTarget, staleness.writes(),
                    staleness.writes() / seconds, staleness.stale(), CpuUsage.describe(checkerCores)));
            out.append(String.format(Locale.ROOT, "| outbox relay lag (insert to broker ack), p50 / p99 | %.1f / %.1f ms |%n",
                    relayP50 * 1000, relayP99 * 1000));
            out.append(String.format(Locale.ROOT, "| invalidation lag to every L1, p50 / p99 / max (its histogram bucket's upper bound) | %.1f / %.1f / ≤ %.1f ms |%n",
                    l1P50 * 1000, l1P99 * 1000, l1Max * 1000));
            out.append(String.format(Locale.ROOT, "| invalidation lag to L2, p50 / p99 | %.1f / %.1f ms |%n", l2P50 * 1000, l2P99 * 1000));
            visibility.forEach(v -> out.append(v.describe(STALENESS_BOUND)));
            out.append(race.describe());
            faults.forEach(f -> out.append(f.describe()));
            databaseAway.forEach(d -> out.append(d.describe()));
            staleness.examples().forEach(e -> out.append("  stale: ").append(e).append('\n'));
            faults.forEach(f -> {
                f.staleExamples().stream().limit(3).forEach(e -> out.append("  stale (").append(f.name()).append("): ")
                        .append(e).append('\n'));
                f.stillInconsistent().stream().limit(3).forEach(e -> out.append("  inconsistent (").append(f.name())
                        .append("): ").append(e).append('\n'));
            });
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

    static final String ORDERS = "order-service";

    /**
     * An invalidator, two catalog instances with caches on (on an emptied Redis database 3) and an order-service:
     * its relay publishes what checkouts wrote to orders.outbox, without which the catalogs could not trust their
     * caches (their freshness needs progress from every outbox table).
     */
    static LocalCluster startCluster(Path repo, Servers servers, String database) {
        new ClusterState(servers, database, 3).flushRedis();
        LocalCluster cluster = new LocalCluster(new LocalCluster.Settings(repo, servers, database, 3,
                "cache-invalidator-check", repo.resolve("load-tests/target/cluster-logs")));
        System.out.println("[cache-check] starting an invalidator, two catalog instances and an order-service");
        try {
            cluster.startInvalidator(INVALIDATOR);
            cluster.startOrders(ORDERS);
            CATALOGS.forEach(name -> cluster.startCatalog(name, true, STALENESS_BOUND));
            if (!awaitServing(catalogUrls(cluster), Duration.ofSeconds(60))) {
                throw new IllegalStateException("the catalog instances never heard the invalidator's progress");
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    static List<String> catalogUrls(LocalCluster cluster) {
        return CATALOGS.stream().map(cluster::url).toList();
    }

    static Report runOn(LocalCluster cluster, Options options) {
        ClusterState state = new ClusterState(options.servers(), options.database(), 3);
        List<String> catalogs = catalogUrls(cluster);
        List<Long> products = state.hotProducts(40);
        Path privateKey = options.repo().resolve("dev-keys/privateKey.pem");
        String token = DevToken.admin(privateKey, 1);
        StalenessChecker checker = new StalenessChecker(catalogs, products, token);

        System.out.printf(Locale.ROOT, "[cache-check] warm-up: %d s of the same writes and reads, not checked%n",
                options.warmUp().toSeconds());
        checker.run(options.warmUp(), options.writesPerSecond(), StalenessChecker.writersFor(options.writesPerSecond()),
                options.readers(), STALENESS_BOUND);
        awaitServing(catalogs, Duration.ofSeconds(30));
        System.out.printf(Locale.ROOT, "[cache-check] staleness checker: %d s, %d writes/s, %d readers, bound %d ms%n",
                options.checkFor().toSeconds(), options.writesPerSecond(), options.readers(), STALENESS_BOUND.toMillis());
        Window checked = Window.measure(cluster, checker, options.checkFor(), options.writesPerSecond(), options.readers());
        long reviewed = products.get(products.size() - 1);
        long reviewer = state.ids("SELECT max(u.id) FROM orders.users u WHERE NOT EXISTS (SELECT 1 FROM catalog.reviews r"
                + " WHERE r.product_id = " + reviewed + " AND r.user_id = u.id)").get(0);
        List<VisibilityCheck.Change> visibility = VisibilityCheck.run(catalogs, reviewed, token,
                DevToken.customer(privateKey, reviewer));
        PromHistogram relay = checked.lags().relay();
        PromHistogram l1 = checked.lags().l1();
        PromHistogram l2 = checked.lags().l2();
        List<String> customerTokens = state.ids("SELECT id FROM orders.users ORDER BY id LIMIT 3").stream()
                .map(id -> DevToken.customer(privateKey, id)).toList();
        RaceCheck.Result race = RaceCheck.run(state, catalogs, cluster.url(ORDERS), token, customerTokens, RACE_FOR);

        List<Fault> faults = new java.util.ArrayList<>(List.of(
                fault("invalidator killed (SIGKILL)", () -> cluster.kill(INVALIDATOR),
                        () -> cluster.startInvalidator(INVALIDATOR), options.outageFor(), INVALIDATOR_GOAL,
                        state, products, catalogs, checker, options),
                fault("invalidator frozen (SIGSTOP)", () -> cluster.freeze(INVALIDATOR),
                        () -> cluster.thaw(INVALIDATOR), options.outageFor(), INVALIDATOR_GOAL,
                        state, products, catalogs, checker, options)));
        Servers servers = options.servers();
        if (servers.freezeRedis() != null) {
            faults.add(fault("Redis frozen (SIGSTOP)", servers.freezeRedis(), servers.thawRedis(), REDIS_FROZEN_FOR,
                    INVALIDATOR_GOAL, state, products, catalogs, checker, options));
        }
        if (servers.killRedis() != null) {
            // It comes back empty: every page's minimum version is gone with the pages (the fills' epoch check).
            faults.add(fault("Redis killed (SIGKILL), restarted empty", servers.killRedis(), servers.startRedis(),
                    REDIS_FROZEN_FOR, INVALIDATOR_GOAL, state, products, catalogs, checker, options));
        }
        faults.add(fault("Kafka broker down", servers.stopBroker(), servers.startBroker(), options.brokerDownFor(),
                BROKER_GOAL, state, products, catalogs, checker, options));
        if (servers.freezeBroker() != null) {
            // Connections stay open and nothing answers: every client waits for its own timeouts.
            faults.add(fault("Kafka broker frozen (SIGSTOP)", servers.freezeBroker(), servers.thawBroker(),
                    options.brokerDownFor(), BROKER_GOAL, state, products, catalogs, checker, options));
        }
        List<DatabaseAwayCheck.Result> databaseAway = new java.util.ArrayList<>();
        if (servers.stopPostgres() != null) {
            long customer = state.ids("SELECT min(id) FROM orders.users").get(0);
            String customerToken = DevToken.customer(privateKey, customer);
            String orders = cluster.url(ORDERS);
            databaseAway.add(DatabaseAwayCheck.run("stopped", servers.stopPostgres(), servers.startPostgres(), List.of(503),
                    state, catalogs, orders, products, customerToken, DATABASE_AWAY_FOR));
            databaseAway.add(DatabaseAwayCheck.run("killed (SIGKILL)", servers.killPostgres(),
                    servers.startPostgres(), List.of(503), state, catalogs, orders, products, customerToken,
                    DATABASE_AWAY_FOR));
            databaseAway.add(DatabaseAwayCheck.run("frozen (SIGSTOP)", servers.freezePostgres(), servers.thawPostgres(),
                    List.of(503, 201), state, catalogs, orders, products, customerToken, DATABASE_AWAY_FOR));
        }
        return new Report(checked.result(), options.writesPerSecond(), Duration.ofNanos(checked.nanos()),
                checked.cores(), relay.quantile(0.5),
                relay.quantile(0.99), l1.quantile(0.5), l1.quantile(0.99),
                l1.quantile(1.0), l2.quantile(0.5), l2.quantile(0.99), visibility, race, faults, databaseAway);
    }

    /**
     * Injects a fault, runs writers and readers through it and for {@link #AFTER_FAULT} after the recovery (every read
     * checked), then waits for the caches to answer again and for every level to equal the database.
     */
    private static Fault fault(String name, Runnable inject, Runnable recover, Duration lasting, Duration goal,
                               ClusterState state, List<Long> products, List<String> catalogs,
                               StalenessChecker checker, Options options) {
        System.out.printf(Locale.ROOT, "[cache-check] %s for %d s under writes and reads%n", name, lasting.toSeconds());
        int writesPerSecond = Math.min(options.writesPerSecond(), 50);
        BypassClock bypass = new BypassClock(catalogs);
        inject.run();
        StalenessChecker.Result during = checker.run(lasting, writesPerSecond, 2, options.readers(), STALENESS_BOUND);
        recover.run();
        long back = System.nanoTime();
        java.util.concurrent.CompletableFuture<Double> serving = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> awaitServing(catalogs, goal) ? (System.nanoTime() - back) / 1e9 : -1);
        StalenessChecker.Result after = checker.run(AFTER_FAULT, writesPerSecond, 2, options.readers(), STALENESS_BOUND);
        double servingAfter = serving.join();
        double bypassedFor = bypass.stop();
        Recovery consistent = awaitConsistent(state, products, catalogs, checker, System.nanoTime(), goal);
        List<String> examples = new java.util.ArrayList<>(during.examples());
        examples.addAll(after.examples());
        return new Fault(name, during.writes() + after.writes(), during.reads() + after.reads(),
                during.stale() + after.stale(), examples, bypassedFor, servingAfter, consistent.seconds(),
                consistent.stillInconsistent(), goal);
    }

    /** Seen on every instance by a read that started within the bound (plus one 20 ms polling step) of the write. */
    static boolean visibleInTime(VisibilityCheck.Change change) {
        return change.seen() && change.seconds() <= STALENESS_BOUND.toMillis() / 1e3 + 0.1;
    }

    /** Samples every 100 ms whether any instance bypasses its caches, and adds up for how long. */
    private static final class BypassClock {
        private final java.util.concurrent.ScheduledExecutorService sampler =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        private final java.util.concurrent.atomic.AtomicLong bypassedMillis = new java.util.concurrent.atomic.AtomicLong();

        BypassClock(List<String> catalogs) {
            sampler.scheduleAtFixedRate(() -> {
                if (!allServing(catalogs)) {
                    bypassedMillis.addAndGet(100);
                }
            }, 0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        double stop() {
            sampler.shutdownNow();
            return bypassedMillis.get() / 1e3;
        }
    }

    /** How long after the writes stopped every cached page (and each instance's answer) equalled the database. */
    private record Recovery(double seconds, List<String> stillInconsistent) {
    }

    private static Recovery awaitConsistent(ClusterState state, List<Long> products, List<String> catalogs,
                                            StalenessChecker checker, long backNanos, Duration goal) {
        List<String> mismatches = state.mismatches(products, catalogs, checker);
        while (!mismatches.isEmpty() && System.nanoTime() - backNanos < goal.toNanos()) {
            LocalCluster.sleep(100);
            mismatches = state.mismatches(products, catalogs, checker);
        }
        return new Recovery((System.nanoTime() - backNanos) / 1e9, mismatches);
    }

    /** The three lag histograms of a cluster (relay, L1, L2); two scrapes subtracted give a window's. */
    /**
     * One measured window of the checker's writes and reads: its result, the lags recorded in it alone, how long it
     * took and the cores each part kept busy (the checker, and each load of the lag sweep).
     */
    record Window(StalenessChecker.Result result, Lags lags, long nanos, Map<String, Double> cores) {

        static Window measure(LocalCluster cluster, StalenessChecker checker, Duration duration, int writesPerSecond,
                              int readers) {
            Lags before = Lags.scrape(cluster);
            CpuUsage cpu = CpuUsage.sample(cluster);
            StalenessChecker.Result result = checker.run(duration, writesPerSecond,
                    StalenessChecker.writersFor(writesPerSecond), readers, STALENESS_BOUND);
            CpuUsage cpuAfter = CpuUsage.sample(cluster);
            return new Window(result, Lags.scrape(cluster).minus(before), cpuAfter.nanos() - cpu.nanos(),
                    cpuAfter.coresSince(cpu));
        }

        double perSecond(long count) {
            return count / (nanos / 1e9);
        }
    }

    record Lags(PromHistogram relay, PromHistogram l1, PromHistogram l2) {

        static Lags scrape(LocalCluster cluster) {
            List<String> catalogs = catalogUrls(cluster);
            return new Lags(relayLag(catalogs), l1Lag(catalogs), l2Lag(cluster));
        }

        Lags minus(Lags before) {
            return new Lags(relay.minus(before.relay), l1.minus(before.l1), l2.minus(before.l2));
        }
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

    /** Until every instance's caches answer again (its progress within the bound): false if not within {@code timeout}. */
    static boolean awaitServing(List<String> catalogs, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allServing(catalogs)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LocalCluster.sleep(50);
        }
        return true;
    }

    private static boolean allServing(List<String> catalogs) {
        return catalogs.stream().allMatch(catalog -> LocalCluster.metric(catalog, "cache_bypassed") == 0.0);
    }

    /** Long form: {@code CacheCheck [seconds] [outageSeconds] [writesPerSecond] [readers]} against the shop database. */
    public static void main(String[] args) {
        Path repo = Path.of(System.getProperty("shop.repo", ".")).toAbsolutePath().normalize();
        Options options = new Options(repo, Servers.machine(repo), System.getProperty("shop.database", "shop"),
                CacheBenchmark.WARM_UP, Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 60),
                Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 30), Duration.ofSeconds(10),
                args.length > 2 ? Integer.parseInt(args[2]) : 50, args.length > 3 ? Integer.parseInt(args[3]) : 4);
        Report report = execute(options);
        System.out.print(report.describe());
        System.exit(report.passed() ? 0 : 1);
    }
}
