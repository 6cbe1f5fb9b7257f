package io.shop.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkout through a crash: clients place orders on an order-service that is SIGKILLed under load (no response
 * flushed, no connection closed by the process, transactions cut wherever they were), started again, and then sent
 * again every request that got no answer, with the same Idempotency-Key and body, as a client that retries does.
 * Then, against the database: every key answered 201 has exactly the order it was answered with, no order exists
 * that no answer names, stock moved by exactly what the orders bought, and the outbox drains (every committed
 * order's events reached the broker).
 */
final class CheckoutCrashCheck {

    /** What the check found; {@code problems} lists every broken guarantee (empty when all hold). */
    record Result(int answeredBeforeKill, int unansweredAtKill, int committedButUnanswered, int placed,
                  long ordersInDatabase, List<String> problems) {

        String describe() {
            return String.format(Locale.ROOT, "checkout through a SIGKILL of order-service: %d answered before the kill,"
                            + " %d without an answer, sent again after the restart (%d of them had committed before the"
                            + " kill), %d orders answered, %d in the database; problems: %s%n",
                    answeredBeforeKill, unansweredAtKill, committedButUnanswered, placed, ordersInDatabase,
                    problems.isEmpty() ? "none" : problems);
        }
    }

    private record Attempt(long user, String key, long variant, int quantity) {
        String body() {
            return "{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":" + quantity + "}]}";
        }
    }

    private static final String ORDERS = "orders-crash";
    private static final int CLIENTS = 8;
    private static final int OPENING_STOCK = 100_000;
    private static final Pattern ORDER_ID = Pattern.compile("^\\{\"id\":(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path privateKey;

    private CheckoutCrashCheck(Path repo) {
        this.privateKey = repo.resolve("dev-keys/privateKey.pem");
    }

    static Result run(Path repo, Servers servers, String database, Duration loadBeforeKill) throws Exception {
        return new CheckoutCrashCheck(repo).check(repo, servers, database, loadBeforeKill);
    }

    private Result check(Path repo, Servers servers, String database, Duration loadBeforeKill) throws Exception {
        String jdbc = servers.jdbcUrl(database);
        List<Long> variants;
        List<Long> users;
        Map<Long, Long> opening;
        long firstOrder;
        try (Connection db = DriverManager.getConnection(jdbc)) {
            variants = Benchmark.longs(db, """
                    SELECT min(v.id) FROM catalog.product_variants v JOIN catalog.products p ON p.id = v.product_id
                     WHERE p.is_active GROUP BY p.id ORDER BY p.id DESC LIMIT 20""");
            users = Benchmark.longs(db, "SELECT id FROM orders.users ORDER BY id LIMIT " + CLIENTS);
            // Locked in checkout's order (product, then variant), as every writer of stock does.
            try (PreparedStatement s = db.prepareStatement("""
                    WITH locked AS (SELECT i.product_variant_id FROM catalog.inventory i
                                      JOIN catalog.product_variants v ON v.id = i.product_variant_id
                                      JOIN catalog.products p ON p.id = v.product_id
                                     WHERE i.product_variant_id = ANY(?) ORDER BY p.id, i.product_variant_id
                                       FOR NO KEY UPDATE OF p, i)
                    UPDATE catalog.inventory SET quantity_available = ?
                     WHERE product_variant_id IN (SELECT product_variant_id FROM locked)""")) {
                s.setArray(1, db.createArrayOf("bigint", variants.toArray()));
                s.setInt(2, OPENING_STOCK);
                s.executeUpdate();
            }
            opening = stock(db, variants);
            firstOrder = Benchmark.longs(db, "SELECT coalesce(max(id), 0) FROM orders.orders").get(0);
        }
        Map<Long, String> tokens = new HashMap<>();
        users.forEach(user -> tokens.put(user, DevToken.customer(privateKey, user)));

        Map<Attempt, HttpResponse<String>> answered = new ConcurrentHashMap<>();
        List<Attempt> unanswered = new ArrayList<>();
        try (LocalCluster cluster = new LocalCluster(new LocalCluster.Settings(repo, servers, database, 0,
                "crash-check", repo.resolve("load-tests/target/cluster-logs")))) {
            cluster.startOrders(ORDERS);
            String url = cluster.url(ORDERS) + "/orders";
            AtomicBoolean running = new AtomicBoolean(true);
            List<Attempt> lost = Collections.synchronizedList(unanswered);
            List<Thread> clients = new ArrayList<>();
            for (long user : users) {
                Thread client = new Thread(() -> {
                    while (running.get()) {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        Attempt attempt = new Attempt(user, UUID.randomUUID().toString(),
                                variants.get(random.nextInt(variants.size())), 1 + random.nextInt(3));
                        HttpResponse<String> response = send(url, tokens.get(user), attempt);
                        if (response == null) {
                            lost.add(attempt);
                        } else {
                            answered.put(attempt, response);
                        }
                    }
                }, "crash-client-" + user);
                client.start();
                clients.add(client);
            }
            LocalCluster.sleep(loadBeforeKill.toMillis());
            System.out.printf(Locale.ROOT, "[crash-check] SIGKILL of order-service after %d answers%n", answered.size());
            cluster.kill(ORDERS);
            running.set(false);
            for (Thread client : clients) {
                client.join();
            }
            int answeredBeforeKill = answered.size();
            cluster.startOrders(ORDERS);
            System.out.printf(Locale.ROOT, "[crash-check] restarted; sending the %d unanswered requests again%n",
                    unanswered.size());
            List<String> problems = new ArrayList<>();
            int committedUnanswered;
            try (Connection db = DriverManager.getConnection(jdbc);
                 PreparedStatement s = db.prepareStatement(
                         "SELECT count(*) FROM orders.idempotency_keys WHERE idempotency_key = ANY(?)")) {
                s.setArray(1, db.createArrayOf("text", unanswered.stream().map(Attempt::key).toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    committedUnanswered = rs.getInt(1);
                }
            }
            for (Attempt attempt : unanswered) {
                HttpResponse<String> response = retry(url, tokens.get(attempt.user()), attempt);
                if (response == null) {
                    problems.add("no answer after the restart for key " + attempt.key());
                } else {
                    answered.put(attempt, response);
                }
            }
            Map<String, Long> answeredOrders = new HashMap<>();
            Map<Long, Long> bought = new HashMap<>();
            answered.forEach((attempt, response) -> {
                Matcher id = ORDER_ID.matcher(response.body());
                if (response.statusCode() == 201 && id.find()) {
                    answeredOrders.put(attempt.key(), Long.parseLong(id.group(1)));
                    bought.merge(attempt.variant(), (long) attempt.quantity(), Long::sum);
                } else {
                    problems.add("key " + attempt.key() + " answered " + response.statusCode() + ": " + response.body());
                }
            });
            try (Connection db = DriverManager.getConnection(jdbc)) {
                Map<String, Long> stored = storedOrders(db, firstOrder);
                answeredOrders.forEach((key, orderId) -> {
                    if (!orderId.equals(stored.get(key))) {
                        problems.add("key " + key + " was answered with order " + orderId + ", the database has "
                                + stored.get(key));
                    }
                });
                stored.keySet().stream().filter(key -> !answeredOrders.containsKey(key))
                        .forEach(key -> problems.add("order " + stored.get(key) + " (key " + key + ") was answered to nobody"));
                Map<Long, Long> now = stock(db, variants);
                for (long variant : variants) {
                    long moved = opening.get(variant) - now.get(variant);
                    long expected = bought.getOrDefault(variant, 0L);
                    if (moved != expected) {
                        problems.add("variant " + variant + ": stock moved by " + moved + ", orders bought " + expected);
                    }
                }
                if (!outboxDrains(db, Duration.ofSeconds(30))) {
                    problems.add("orders.outbox still holds events 30 s after the restart");
                }
                return new Result(answeredBeforeKill, unanswered.size(), committedUnanswered, answeredOrders.size(),
                        stored.size(), problems);
            }
        }
    }

    /** One attempt; null when no answer came (the process died under it, or refused the connection). */
    private HttpResponse<String> send(String url, String token, Attempt attempt) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("Idempotency-Key", attempt.key())
                    .POST(HttpRequest.BodyPublishers.ofString(attempt.body())).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** As a client retries: again after a moment while the answer is "in progress" (409) or none came. */
    private HttpResponse<String> retry(String url, String token, Attempt attempt) {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = send(url, token, attempt);
            if (response != null && !(response.statusCode() == 409 && response.body().contains("in progress"))) {
                return response;
            }
            LocalCluster.sleep(500);
        }
        return null;
    }

    private static Map<Long, Long> stock(Connection db, List<Long> variants) throws SQLException {
        Map<Long, Long> stock = new HashMap<>();
        try (PreparedStatement s = db.prepareStatement(
                "SELECT product_variant_id, quantity_available FROM catalog.inventory WHERE product_variant_id = ANY(?)")) {
            s.setArray(1, db.createArrayOf("bigint", variants.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stock.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return stock;
    }

    /** Key of every order placed since {@code firstOrder}, from the idempotency records written with it. */
    private static Map<String, Long> storedOrders(Connection db, long firstOrder) throws SQLException {
        Map<String, Long> orders = new HashMap<>();
        try (PreparedStatement s = db.prepareStatement("""
                SELECT k.idempotency_key, o.id FROM orders.orders o
                  LEFT JOIN orders.idempotency_keys k ON k.order_id = o.id
                 WHERE o.id > ?""")) {
            s.setLong(1, firstOrder);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    orders.put(rs.getString(1) == null ? "(none) for order " + rs.getLong(2) : rs.getString(1), rs.getLong(2));
                }
            }
        }
        return orders;
    }

    private static boolean outboxDrains(Connection db, Duration within) throws SQLException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (PreparedStatement s = db.prepareStatement("SELECT count(*) FROM orders.outbox");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return true;
                }
            }
            LocalCluster.sleep(200);
        }
        return false;
    }
}
