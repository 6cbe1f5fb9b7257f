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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checkout through a crash: clients place orders while order-service, or every process of PostgreSQL, is SIGKILLed
 * under them (no response flushed, no connection closed by the process, transactions cut wherever they were, for
 * PostgreSQL a crash recovery at the next start); the victim is started again, and then every request that got no
 * answer or a 503 is sent again with the same Idempotency-Key and body, as a client that retries does. Then, against
 * the database: every key answered 201 has exactly the order it was answered with, no order exists that no answer
 * names, stock moved by exactly what the orders bought, and the outbox drains (every committed order's events reached
 * the broker).
 */
final class CheckoutCrashCheck {

    /** What is SIGKILLed under the clients. */
    enum Victim {
        ORDER_SERVICE("order-service"), POSTGRES("PostgreSQL");

        final String label;

        Victim(String label) {
            this.label = label;
        }
    }

    /** What the check found; {@code problems} lists every broken guarantee (empty when all hold). */
    record Result(Victim victim, int answeredBeforeKill, int unansweredAtKill, int committedButUnanswered, int placed,
                  long ordersInDatabase, List<String> problems) {

        String describe() {
            return String.format(Locale.ROOT, "checkout through a SIGKILL of %s: %d answered before the kill,"
                            + " %d without an answer or with a 503, sent again after the restart (%d of them had"
                            + " committed before the kill), %d orders answered, %d in the database; problems: %s%n",
                    victim.label, answeredBeforeKill, unansweredAtKill, committedButUnanswered, placed,
                    ordersInDatabase, problems.isEmpty() ? "none" : problems);
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
    private final ClusterState state;
    private final List<Long> variants;
    private final Map<Long, String> tokens = new HashMap<>();
    private final Map<Attempt, HttpResponse<String>> answered = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Attempt> unanswered = new ConcurrentLinkedQueue<>();

    private CheckoutCrashCheck(ClusterState state, List<Long> variants) {
        this.state = state;
        this.variants = variants;
    }

    static Result run(Path repo, Servers servers, String database, Duration loadBeforeKill, Victim victim)
            throws Exception {
        ClusterState state = new ClusterState(servers, database, 0);
        List<Long> variants = state.ids("""
                SELECT min(v.id) FROM catalog.product_variants v JOIN catalog.products p ON p.id = v.product_id
                 WHERE p.is_active GROUP BY p.id ORDER BY p.id DESC LIMIT 20""");
        try (Connection db = DriverManager.getConnection(servers.jdbcUrl(database))) {
            Benchmark.setStock(db, variants, OPENING_STOCK);
        }
        CheckoutCrashCheck check = new CheckoutCrashCheck(state, variants);
        Path privateKey = repo.resolve("dev-keys/privateKey.pem");
        state.ids("SELECT id FROM orders.users ORDER BY id LIMIT " + CLIENTS)
                .forEach(user -> check.tokens.put(user, DevToken.customer(privateKey, user)));
        long firstOrder = state.ids("SELECT coalesce(max(id), 0) FROM orders.orders").get(0);

        try (LocalCluster cluster = new LocalCluster(new LocalCluster.Settings(repo, servers, database, 0,
                "crash-check", repo.resolve("load-tests/target/cluster-logs")))) {
            cluster.startOrders(ORDERS);
            String url = cluster.url(ORDERS) + "/orders";
            Runnable kill = victim == Victim.POSTGRES ? servers.killPostgres() : () -> cluster.kill(ORDERS);
            check.orderUntilKilled(url, loadBeforeKill, victim, kill);
            int answeredBeforeKill = check.answered.size();
            if (victim == Victim.POSTGRES) {
                servers.startPostgres().run();
            } else {
                cluster.startOrders(ORDERS);
            }
            // Nothing has committed since the kill, and ids are reserved in order: an order numbered up to here was
            // committed before it.
            long lastOrderAtKill = state.ids("SELECT coalesce(max(id), 0) FROM orders.orders").get(0);
            System.out.printf(Locale.ROOT, "[crash-check] %s restarted; sending the %d requests without an answer again%n",
                    victim.label, check.unanswered.size());
            List<String> problems = check.retryUnanswered(url);
            Map<String, Long> answeredOrders = check.answeredOrders(problems);
            Map<String, Long> stored = storedOrders(servers.jdbcUrl(database), firstOrder);
            check.verify(answeredOrders, stored, problems);
            int committedButUnanswered = (int) check.unanswered.stream()
                    .filter(a -> answeredOrders.getOrDefault(a.key(), Long.MAX_VALUE) <= lastOrderAtKill).count();
            return new Result(victim, answeredBeforeKill, check.unanswered.size(), committedButUnanswered,
                    answeredOrders.size(), stored.size(), problems);
        }
    }

    /**
     * One client per customer, each ordering one order after another, until the victim is SIGKILLed. A request with
     * no answer, or a 503 (PostgreSQL gone under order-service), is one to send again.
     */
    private void orderUntilKilled(String url, Duration loadBeforeKill, Victim victim, Runnable kill)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        tokens.forEach((user, token) -> {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    Attempt attempt = new Attempt(user, UUID.randomUUID().toString(),
                            variants.get(random.nextInt(variants.size())), 1 + random.nextInt(3));
                    HttpResponse<String> response = send(url, token, attempt);
                    if (response == null || response.statusCode() == 503) {
                        unanswered.add(attempt);
                    } else {
                        answered.put(attempt, response);
                    }
                }
            }, "crash-client-" + user);
            client.start();
            clients.add(client);
        });
        LocalCluster.sleep(loadBeforeKill.toMillis());
        System.out.printf(Locale.ROOT, "[crash-check] SIGKILL of %s after %d answers%n", victim.label, answered.size());
        kill.run();
        running.set(false);
        for (Thread client : clients) {
            client.join();
        }
    }

    /** Sends every unanswered request again, as a client retries; what never gets an answer is a problem. */
    private List<String> retryUnanswered(String url) {
        List<String> problems = new ArrayList<>();
        for (Attempt attempt : unanswered) {
            HttpResponse<String> response = retry(url, tokens.get(attempt.user()), attempt);
            if (response == null) {
                problems.add("no answer after the restart for key " + attempt.key());
            } else {
                answered.put(attempt, response);
            }
        }
        return problems;
    }

    /** The order id each key was answered with; any answer but a 201 with an order is a problem. */
    private Map<String, Long> answeredOrders(List<String> problems) {
        Map<String, Long> orders = new HashMap<>();
        answered.forEach((attempt, response) -> {
            Matcher id = ORDER_ID.matcher(response.body());
            if (response.statusCode() == 201 && id.find()) {
                orders.put(attempt.key(), Long.parseLong(id.group(1)));
            } else {
                problems.add("key " + attempt.key() + " answered " + response.statusCode() + ": " + response.body());
            }
        });
        return orders;
    }

    /** Key of every order placed since {@code firstOrder}, from the idempotency record written with it. */
    private static Map<String, Long> storedOrders(String jdbc, long firstOrder) throws SQLException {
        Map<String, Long> orders = new HashMap<>();
        try (Connection db = DriverManager.getConnection(jdbc); PreparedStatement s = db.prepareStatement("""
                SELECT coalesce(k.idempotency_key, '(none) for order ' || o.id), o.id FROM orders.orders o
                  LEFT JOIN orders.idempotency_keys k ON k.order_id = o.id
                 WHERE o.id > ?""")) {
            s.setLong(1, firstOrder);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    orders.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return orders;
    }

    private void verify(Map<String, Long> answeredOrders, Map<String, Long> stored, List<String> problems) {
        answeredOrders.forEach((key, orderId) -> {
            if (!orderId.equals(stored.get(key))) {
                problems.add("key " + key + " was answered with order " + orderId + ", the database has " + stored.get(key));
            }
        });
        stored.keySet().stream().filter(key -> !answeredOrders.containsKey(key))
                .forEach(key -> problems.add("order " + stored.get(key) + " (key " + key + ") was answered to nobody"));
        Map<Long, Long> bought = new HashMap<>();
        answered.forEach((attempt, response) -> {
            if (answeredOrders.containsKey(attempt.key())) {
                bought.merge(attempt.variant(), (long) attempt.quantity(), Long::sum);
            }
        });
        String ids = variants.stream().map(String::valueOf).collect(Collectors.joining(","));
        state.pairs("SELECT product_variant_id, quantity_available FROM catalog.inventory WHERE product_variant_id IN ("
                + ids + ")").forEach((variant, stock) -> {
            long moved = OPENING_STOCK - stock;
            long expected = bought.getOrDefault(variant, 0L);
            if (moved != expected) {
                problems.add("variant " + variant + ": stock moved by " + moved + ", orders bought " + expected);
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (state.ids("SELECT count(*) FROM orders.outbox").get(0) > 0) {
            if (System.nanoTime() > deadline) {
                problems.add("orders.outbox still holds events 30 s after the restart");
                return;
            }
            LocalCluster.sleep(200);
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

    /** As a client retries: again after a moment while the answer is "in progress" (409), a 503, or none came. */
    private HttpResponse<String> retry(String url, String token, Attempt attempt) {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = send(url, token, attempt);
            if (response != null && response.statusCode() != 503
                    && !(response.statusCode() == 409 && response.body().contains("in progress"))) {
                return response;
            }
            LocalCluster.sleep(500);
        }
        return null;
    }
}
