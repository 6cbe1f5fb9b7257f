package io.shop.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Checkouts racing admin price changes and restocks of the same product, on a harness cluster: customers buy its
 * variants one unit at a time through order-service while an admin changes its price and restocks its variants
 * through both catalog instances. Afterwards, per variant, the stock is what it was plus what was restocked minus what
 * was sold (never below zero, every sale an order line in the database), every request got a right answer (201 or
 * 409 out of stock; 200 for the admin), and every instance's page of the product shows the database's version,
 * price and stock within {@link #CONVERGE_WITHIN}.
 */
final class RaceCheck {

    static final Duration CONVERGE_WITHIN = Duration.ofSeconds(5);
    private static final int CUSTOMERS = 3;

    record Result(long productId, int variants, long placed, long outOfStock, long priceChanges, long restocks,
                  long unitsSold, long unitsRestocked, List<String> stockMismatches, List<String> unexpected,
                  double convergedAfter) {

        boolean passed() {
            return placed > 0 && priceChanges > 0 && restocks > 0 && stockMismatches.isEmpty() && unexpected.isEmpty()
                    && convergedAfter >= 0;
        }

        String describe() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                    "| checkouts racing price changes and restocks of product %d (%d variants): orders / out of stock /"
                            + " price changes / restocks | %,d / %,d / %,d / %,d |%n"
                            + "| ... units sold / restocked; variants whose stock is not opening + restocked - sold | %,d / %,d; %d |%n"
                            + "| ... every instance's page equal to the database (price, stock, version), after | %s |%n",
                    productId, variants, placed, outOfStock, priceChanges, restocks, unitsSold, unitsRestocked,
                    stockMismatches.size(), convergedAfter < 0 ? "NOT within " + CONVERGE_WITHIN.toSeconds() + " s"
                            : String.format(Locale.ROOT, "%.2f s", convergedAfter)));
            stockMismatches.stream().limit(3).forEach(m -> out.append("  stock: ").append(m).append('\n'));
            unexpected.stream().limit(3).forEach(u -> out.append("  unexpected: ").append(u).append('\n'));
            return out.toString();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

    private RaceCheck() {
    }

    static Result run(ClusterState state, List<String> catalogs, String orders, String adminToken,
                      List<String> customerTokens, Duration duration) {
        // Not one of the pages the other checks read (the hot products first, the 5,000 newest ids for uncached reads).
        long product = state.ids("""
                SELECT p.id FROM catalog.products p JOIN catalog.product_variants v ON v.product_id = p.id
                 WHERE p.is_active GROUP BY p.id HAVING count(*) >= 3 ORDER BY p.id DESC LIMIT 1 OFFSET 6000""").get(0);
        String stockSql = "SELECT v.id, i.quantity_available FROM catalog.product_variants v"
                + " JOIN catalog.inventory i ON i.product_variant_id = v.id WHERE v.product_id = " + product;
        Map<Long, Long> opening = state.pairs(stockSql);
        long firstOrder = state.ids("SELECT coalesce(max(id), 0) FROM orders.orders").get(0);
        List<Long> variants = List.copyOf(opening.keySet());
        RaceCheck check = new RaceCheck();
        System.out.printf(Locale.ROOT, "[cache-check] %d s of checkouts racing price changes and restocks of product %d%n",
                duration.toSeconds(), product);

        Map<Long, AtomicLong> sold = new ConcurrentHashMap<>();
        Map<Long, AtomicLong> restocked = new ConcurrentHashMap<>();
        variants.forEach(v -> {
            sold.put(v, new AtomicLong());
            restocked.put(v, new AtomicLong());
        });
        AtomicLong placed = new AtomicLong();
        AtomicLong outOfStock = new AtomicLong();
        AtomicLong priceChanges = new AtomicLong();
        AtomicLong restocks = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            String token = customerTokens.get(c % customerTokens.size());
            threads.add(check.loop("checkout-" + c, running, random -> {
                long variant = variants.get(random.nextInt(variants.size()));
                HttpResponse<String> r = check.send(HttpRequest.newBuilder(URI.create(orders + "/orders"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]}")));
                if (r != null && r.statusCode() == 201) {
                    placed.incrementAndGet();
                    sold.get(variant).incrementAndGet();
                } else if (r != null && r.statusCode() == 409 && r.body().contains("Out of stock")) {
                    outOfStock.incrementAndGet();
                } else {
                    check.unexpected("checkout of variant " + variant, r);
                }
            }));
        }
        threads.add(check.loop("price", running, random -> {
            String catalog = catalogs.get(random.nextInt(catalogs.size()));
            String price = BigDecimal.valueOf(random.nextInt(1_000, 100_000), 2).toPlainString();
            HttpResponse<String> r = check.send(admin(catalog + "/admin/products/" + product, adminToken)
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"price\":" + price + "}")));
            if (r != null && r.statusCode() == 200) {
                priceChanges.incrementAndGet();
            } else {
                check.unexpected("price change", r);
            }
            LocalCluster.sleep(20);
        }));
        threads.add(check.loop("restock", running, random -> {
            String catalog = catalogs.get(random.nextInt(catalogs.size()));
            long variant = variants.get(random.nextInt(variants.size()));
            int units = 1 + random.nextInt(3);
            HttpResponse<String> r = check.send(admin(catalog + "/admin/products/" + product + "/variants/" + variant
                    + "/restock", adminToken).POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":" + units + "}")));
            if (r != null && r.statusCode() == 200) {
                restocks.incrementAndGet();
                restocked.get(variant).addAndGet(units);
            } else {
                check.unexpected("restock of variant " + variant, r);
            }
            LocalCluster.sleep(50);
        }));
        LocalCluster.sleep(duration.toMillis());
        running.set(false);
        threads.forEach(t -> {
            try {
                t.join(20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        Map<Long, Long> now = state.pairs(stockSql);
        Map<Long, Long> orderLines = state.pairs("SELECT i.product_variant_id, sum(i.quantity) FROM orders.order_items i"
                + " WHERE i.order_id > " + firstOrder + " AND i.product_id = " + product + " GROUP BY 1");
        List<String> mismatches = new ArrayList<>();
        for (long v : variants) {
            long expected = opening.get(v) + restocked.get(v).get() - sold.get(v).get();
            long lines = orderLines.getOrDefault(v, 0L);
            if (now.get(v) != expected || now.get(v) < 0 || lines != sold.get(v).get()) {
                mismatches.add(String.format(Locale.ROOT, "variant %d: opening %d + restocked %d - sold %d = %d, database"
                        + " has %d (order lines: %d units)", v, opening.get(v), restocked.get(v).get(), sold.get(v).get(),
                        expected, now.get(v), lines));
            }
        }
        double converged = check.converge(state, catalogs, product, stockSql);
        long unitsSold = sold.values().stream().mapToLong(AtomicLong::get).sum();
        long unitsRestocked = restocked.values().stream().mapToLong(AtomicLong::get).sum();
        return new Result(product, variants.size(), placed.get(), outOfStock.get(), priceChanges.get(), restocks.get(),
                unitsSold, unitsRestocked, mismatches, List.copyOf(check.unexpected), converged);
    }

    /** Seconds until every instance's page shows the database's version, price and stock; -1 if not in time. */
    private double converge(ClusterState state, List<String> catalogs, long product, String stockSql) {
        long version = state.ids("SELECT version FROM catalog.products WHERE id = " + product).get(0);
        BigDecimal price = new BigDecimal(state.text("SELECT base_price FROM catalog.products WHERE id = " + product));
        Map<Long, Long> stock = state.pairs(stockSql);
        long start = System.nanoTime();
        while (System.nanoTime() - start < CONVERGE_WITHIN.toNanos()) {
            if (catalogs.stream().allMatch(catalog -> shows(catalog, product, version, price, stock))) {
                return (System.nanoTime() - start) / 1e9;
            }
            LocalCluster.sleep(50);
        }
        return -1;
    }

    private boolean shows(String catalog, long product, long version, BigDecimal price, Map<Long, Long> stock) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(catalog + "/products/" + product)).GET());
        if (r == null || r.statusCode() != 200) {
            return false;
        }
        JsonObject page = new JsonObject(r.body());
        Map<Long, Long> shown = new HashMap<>();
        JsonArray variants = page.getJsonArray("variants");
        for (int i = 0; i < variants.size(); i++) {
            shown.put(variants.getJsonObject(i).getLong("id"), variants.getJsonObject(i).getLong("quantityAvailable"));
        }
        return page.getLong("version") == version && new BigDecimal(page.getValue("price").toString()).compareTo(price) == 0
                && shown.equals(stock);
    }

    private Thread loop(String name, AtomicBoolean running, Consumer<ThreadLocalRandom> step) {
        Thread thread = new Thread(() -> {
            while (running.get()) {
                step.accept(ThreadLocalRandom.current());
            }
        }, "race-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static HttpRequest.Builder admin(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            unexpected.add(request.build().uri() + ": " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void unexpected(String what, HttpResponse<String> r) {
        if (r != null && unexpected.size() < 20) {
            unexpected.add(what + ": " + r.statusCode() + " " + r.body());
        }
    }
}
