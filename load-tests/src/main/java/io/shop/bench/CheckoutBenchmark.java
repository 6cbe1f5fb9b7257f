package io.shop.bench;

import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkout against what PostgreSQL itself can do, in one run on one server: {@code pgbench} TPC-B (a transaction of
 * checkout's shape: lock and update a few rows, insert a history row) at 16 clients, then checkout over HTTP at 16
 * and 64 clients (closed loop, one order line each) over 1,000 variants of different products, and over the 4
 * variants of one hot product (a flash sale). Prints orders/s, p50/p95/p99, the ratio to pgbench, and each
 * service's CPU share, resident memory and start time.
 */
final class CheckoutBenchmark {

    /** One measured series. */
    record Row(String name, int clients, Latencies latencies) {
    }

    /** What a run measured: the reference, the series and each service's resources. */
    record Result(double pgbenchTps, List<Row> rows, List<String> services) {

        String markdown() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "pgbench TPC-B (`-M prepared`, 16 clients, scale %d), same server, same run: "
                    + "**%,.0f transactions/s**.%n%n", PGBENCH_SCALE, pgbenchTps));
            out.append("| checkout (one line, closed loop) | clients | orders/s | ratio to pgbench | p50 ms | p95 ms | p99 ms | errors |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row row : rows) {
                Latencies l = row.latencies();
                out.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.2fx | %.2f | %.2f | %.2f | %d |%n",
                        row.name(), row.clients(), l.perSecond(), l.perSecond() / pgbenchTps, l.millis(50),
                        l.millis(95), l.millis(99), l.errors()));
            }
            out.append("\n| service | CPU during the checkout runs (of one core) | resident memory after | started in |\n|---|---:|---:|---:|\n");
            services.forEach(s -> out.append(s).append('\n'));
            return out.toString();
        }

        /** Prints the tables and writes them to {@code dir}/checkout.md. */
        void write(Path dir) throws IOException {
            String markdown = "Checkout benchmark of " + java.time.Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                    + " cores (`./shop bench-checkout`, or section 5 of `./shop bench`).\n\n" + markdown();
            System.out.println();
            System.out.print(markdown);
            Benchmark.writeFile(dir.resolve("checkout.md"), markdown);
        }
    }

    static final int PGBENCH_SCALE = 20;
    static final Duration JIT_WARMUP = Duration.ofSeconds(30);
    static final List<String> SERVICES = List.of("order-service", "catalog-service", "cache-invalidator");

    private final Load load;
    private final String jdbc;
    private final String orders;
    private final Path repo;
    private final Duration duration;
    private final int[] buyerIds;

    CheckoutBenchmark(Load load, String jdbc, String orders, Path repo, Duration duration, int[] buyerIds) {
        this.load = load;
        this.jdbc = jdbc;
        this.orders = orders;
        this.repo = repo;
        this.duration = duration;
        this.buyerIds = buyerIds;
    }

    Result run() throws Exception {
        List<Long> spread;
        List<Long> hot;
        try (Connection db = DriverManager.getConnection(jdbc)) {
            spread = Benchmark.longs(db, """
                    SELECT min(v.id) FROM catalog.product_variants v JOIN catalog.products p ON p.id = v.product_id
                     WHERE p.is_active GROUP BY p.id ORDER BY datagen.rnd(p.id, 97) LIMIT 1000""");
            hot = Benchmark.longs(db, """
                    SELECT v.id FROM catalog.product_variants v
                     WHERE v.product_id = (SELECT p.id FROM catalog.products p JOIN catalog.product_variants v ON v.product_id = p.id
                                            WHERE p.is_active GROUP BY p.id HAVING count(*) >= 4 ORDER BY p.id LIMIT 1)
                     ORDER BY v.id LIMIT 4""");
            List<Long> all = new ArrayList<>(spread);
            all.addAll(hot);
            // Enough stock that no series runs out: an out-of-stock answer is cheaper and would flatter the figures.
            Benchmark.setStock(db, all, 10_000_000);
        }
        List<String> tokens = new ArrayList<>();
        for (long user = buyerIds[0]; user < buyerIds[0] + buyerIds[1]; user++) {
            tokens.add(DevToken.customer(repo.resolve("dev-keys/privateKey.pem"), user));
        }

        Benchmark.say("  pgbench TPC-B, 16 clients, %d s (initialising database shop_pgbench at scale %d if needed)",
                duration.toSeconds(), PGBENCH_SCALE);
        double tps = pgbench();
        Benchmark.say("  %-52s %,9.0f transactions/s", "pgbench TPC-B (-M prepared, 16 clients)", tps);

        // Freshly started JVMs spend a minute or more compiling (15 to 25% of their CPU): the first series ran at
        // 0.08x to 0.10x where the same code, warm, ran at 0.17x to 0.19x. Steady state is what is measured.
        Benchmark.say("  JIT warm-up: %d s of spread checkouts at 16 clients, not measured", JIT_WARMUP.toSeconds());
        load.closedLoop(checkouts(spread, tokens), 16, Duration.ZERO, JIT_WARMUP);

        Map<String, long[]> cpuBefore = cpuTicks();
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (int clients : new int[] {16, 64}) {
            rows.add(series("spread over 1,000 products", clients, checkouts(spread, tokens), tps));
        }
        for (int clients : new int[] {16, 64}) {
            rows.add(series("one hot product (4 variants)", clients, checkouts(hot, tokens), tps));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, long[]> cpuAfter = cpuTicks();
        List<String> services = new ArrayList<>();
        for (String service : SERVICES) {
            long[] before = cpuBefore.get(service);
            long[] after = cpuAfter.get(service);
            String cpu = before == null || after == null ? "-" : String.format(Locale.ROOT, "%.0f%%",
                    100.0 * (after[0] - before[0]) / 100.0 / seconds);
            String rss = after == null ? "-" : String.format(Locale.ROOT, "%d MB", after[1] / 1024);
            services.add(String.format(Locale.ROOT, "| %s | %s | %s | %s |", service, cpu, rss, startedIn(service)));
            Benchmark.say("  %-20s CPU %s, resident %s, started in %s", service, cpu, rss, startedIn(service));
        }
        return new Result(tps, rows, services);
    }

    private LongFunction<Load.Call> checkouts(List<Long> variants, List<String> tokens) {
        return i -> new Load.Call(HttpMethod.POST, orders + "/orders",
                Map.of("Authorization", "Bearer " + tokens.get((int) (i % tokens.size())),
                        "Idempotency-Key", UUID.randomUUID().toString()),
                "{\"lines\":[{\"variantId\":" + variants.get((int) (i % variants.size())) + ",\"quantity\":1}]}", 201);
    }

    private Row series(String name, int clients, LongFunction<Load.Call> calls, double tps) throws Exception {
        System.out.printf(Locale.ROOT, "  %-52s running...", name + ", " + clients + " clients");
        Latencies latencies = load.closedLoop(calls, clients, Duration.ofSeconds(5), duration);
        System.out.printf(Locale.ROOT, "\r  %-52s %s  %.2fx pgbench%n", name + ", " + clients + " clients",
                Benchmark.row(latencies), latencies.perSecond() / tps);
        return new Row(name, clients, latencies);
    }

    /** pgbench's TPC-B on the same server, in a database of its own; initialised once. */
    private double pgbench() throws Exception {
        Matcher url = Pattern.compile("//([^:/]+):(\\d+)/").matcher(jdbc);
        if (!url.find()) {
            throw new IllegalArgumentException("cannot read host and port from " + jdbc);
        }
        String host = url.group(1);
        String port = url.group(2);
        try (Connection db = DriverManager.getConnection(jdbc); Statement s = db.createStatement()) {
            boolean exists = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'shop_pgbench'").next();
            if (!exists) {
                s.execute("CREATE DATABASE shop_pgbench");
                run(List.of("pgbench", "-h", host, "-p", port, "-U", "postgres", "-i", "-q", "-s",
                        String.valueOf(PGBENCH_SCALE), "shop_pgbench"));
            }
        }
        String out = run(List.of("pgbench", "-h", host, "-p", port, "-U", "postgres", "-M", "prepared", "-n",
                "-c", "16", "-j", "2", "-T", String.valueOf(duration.toSeconds()), "shop_pgbench"));
        Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
        if (!tps.find()) {
            throw new IllegalStateException("no tps in pgbench's output:\n" + out);
        }
        return Double.parseDouble(tps.group(1));
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("pgbench", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(duration.toSeconds() + 600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            String out = Files.readString(log);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Per service started by deploy/local/services.sh: CPU ticks (user + system, 1/100 s) and resident kB. */
    private Map<String, long[]> cpuTicks() {
        Map<String, long[]> ticks = new LinkedHashMap<>();
        for (String service : SERVICES) {
            try {
                String pid = Files.readString(repo.resolve(".local-state/" + service + ".pid")).trim();
                String[] stat = Files.readString(Path.of("/proc", pid, "stat")).replaceFirst(".*\\) ", "").split(" ");
                long cpu = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
                Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+)").matcher(Files.readString(Path.of("/proc", pid, "status")));
                ticks.put(service, new long[] {cpu, rss.find() ? Long.parseLong(rss.group(1)) : 0});
            } catch (IOException | RuntimeException e) {
                // not running under services.sh: no figures for it
            }
        }
        return ticks;
    }

    /** Quarkus logs "started in X s" once; the figure from the service's log. */
    private String startedIn(String service) {
        try {
            Matcher m = Pattern.compile("started in ([0-9.]+)s").matcher(
                    Files.readString(repo.resolve(".local-state/logs/" + service + ".log")));
            String last = "-";
            while (m.find()) {
                last = m.group(1) + " s";
            }
            return last;
        } catch (IOException e) {
            return "-";
        }
    }

    /** Standalone ({@code ./shop bench-checkout}): {@code [--jdbc=...] [--orders=...] [--duration=20] [--out=dir]}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        Path repo = Path.of(".").toAbsolutePath().normalize();
        try (Load load = new Load(80)) {
            Result result = new CheckoutBenchmark(load,
                    options.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:5432/shop?user=postgres"),
                    options.getOrDefault("orders", "http://127.0.0.1:8082"), repo,
                    Duration.ofSeconds(Integer.parseInt(options.getOrDefault("duration", "20"))),
                    Scenarios.load(repo).buyers()).run();
            result.write(Path.of(options.getOrDefault("out", "load-tests/results")));
        }
    }
}
