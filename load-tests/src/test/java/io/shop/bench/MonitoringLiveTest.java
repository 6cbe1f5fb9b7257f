package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The monitoring configuration against reality: the repository's alert rules pass their promtool unit tests, and a
 * real Prometheus with the repository's config, scraping the services and the PostgreSQL and Redis exporters
 * under traffic, evaluates every dashboard panel expression and every recording and alert rule without error and
 * with at least one series. An alert rule is evaluated without its threshold (each side of an {@code and}), because
 * a healthy system must not fire it but its figure must exist.
 */
class MonitoringLiveTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path PROMETHEUS_DIR = REPO.resolve("monitoring/prometheus");
    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = new YAMLMapper();
    final HttpClient http = HttpClient.newHttpClient();
    String prometheus;

    @Test
    void promtoolAcceptsTheConfigAndEveryAlertPassesItsUnitTests() throws Exception {
        assertThat(Tools.run(PROMETHEUS_DIR, "promtool", "check", "config", "prometheus.yml")).isZero();
        assertThat(Tools.run(PROMETHEUS_DIR, "promtool", "test", "rules", "tests/alerts_test.yml")).isZero();
        Set<String> tested = new LinkedHashSet<>();
        YAML.readTree(PROMETHEUS_DIR.resolve("tests/alerts_test.yml").toFile()).path("tests")
                .forEach(t -> t.path("alert_rule_test").forEach(a -> tested.add(a.path("alertname").asText())));
        assertThat(tested).as("every alert has a unit test").containsExactlyInAnyOrderElementsOf(alertNames());
    }

    /** Grafana publishes its dashboard schema as TypeScript types (@grafana/schema); see schema-check/check.mjs. */
    @Test
    void everyDashboardMatchesGrafanasPublishedSchema() throws Exception {
        Path check = REPO.resolve("monitoring/grafana/schema-check");
        assertThat(Tools.npmCheck(check)).as("tsc found dashboard fields that do not match").isZero();
    }

    @Test
    void everyDashboardAndRuleExpressionReturnsSeriesFromALivePrometheus() throws Exception {
        String database = SystemTestServers.DATABASE;
        Path work = REPO.resolve("load-tests/target/prometheus-live");
        deleteRecursively(work);
        Files.createDirectories(work);
        Servers servers = SystemTestServers.get();
        try (LocalCluster cluster = CacheCheck.startCluster(REPO, servers, database)) {
            cluster.startProgram("postgres-exporter", List.of("prometheus-postgres-exporter",
                            "--web.listen-address=127.0.0.1:" + cluster.port("postgres-exporter"),
                            "--extend.query-path=" + REPO.resolve("monitoring/postgres-exporter/queries.yaml")),
                    Map.of("DATA_SOURCE_NAME", "postgresql://postgres@127.0.0.1:" + servers.postgresPort() + "/" + database
                            + "?sslmode=disable"),
                    cluster.url("postgres-exporter") + "/metrics");
            cluster.startProgram("redis-exporter", List.of("prometheus-redis-exporter", "-redis.addr",
                    "redis://127.0.0.1:" + servers.redisPort(), "-web.listen-address", "127.0.0.1:" + cluster.port("redis-exporter")),
                    Map.of(), cluster.url("redis-exporter") + "/metrics");
            Path config = writeLiveConfig(work, cluster);
            cluster.startProgram("prometheus", List.of("prometheus", "--config.file=" + config,
                    "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + cluster.port("prometheus")),
                    Map.of(), cluster.url("prometheus") + "/-/ready");
            prometheus = cluster.url("prometheus");

            sendTraffic(servers, cluster, database, Duration.ofSeconds(25));

            List<String> expressions = new ArrayList<>(dashboardExpressions());
            expressions.addAll(ruleFigures());
            List<String> failures = new ArrayList<>();
            for (String expr : expressions) {
                String problem = evaluate(expr);
                if (problem != null) {
                    failures.add(problem + ": " + expr);
                }
            }
            System.out.printf("[monitoring] %d expressions evaluated, %d failed%n", expressions.size(), failures.size());
            assertThat(failures).as("expressions that error or return no series").isEmpty();
        }
    }

    /** The repository's config with the compose targets swapped for the local ports, scraping every second. */
    private static Path writeLiveConfig(Path work, LocalCluster cluster) throws IOException {
        String catalogs = CacheCheck.CATALOGS.stream().map(name -> "127.0.0.1:" + cluster.port(name))
                .collect(java.util.stream.Collectors.joining("', '"));
        String config = Files.readString(PROMETHEUS_DIR.resolve("prometheus.yml"))
                .replace("scrape_interval: 5s", "scrape_interval: 1s")
                .replace("evaluation_interval: 5s", "evaluation_interval: 1s")
                .replace("catalog-1:8081', 'catalog-2:8081", catalogs)
                .replace("order-service:8082", "127.0.0.1:" + cluster.port(CacheCheck.ORDERS))
                .replace("cache-invalidator:8083", "127.0.0.1:" + cluster.port(CacheCheck.INVALIDATOR))
                .replace("postgres-exporter:9187", "127.0.0.1:" + cluster.port("postgres-exporter"))
                .replace("redis-exporter:9121", "127.0.0.1:" + cluster.port("redis-exporter"))
                .replace("rules/", PROMETHEUS_DIR.resolve("rules") + "/");
        Path file = work.resolve("prometheus.yml");
        Files.writeString(file, config);
        return file;
    }

    /** Reads, admin writes, checkouts (placed, out of stock, replayed) on both catalog instances. */
    private void sendTraffic(Servers servers, LocalCluster cluster, String database, Duration duration) throws Exception {
        Path key = REPO.resolve("dev-keys/privateKey.pem");
        String admin = DevToken.admin(key, 1);
        String customer = DevToken.customer(key, 1);
        long product;
        long variant;
        try (Connection c = DriverManager.getConnection(servers.jdbcUrl(database));
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("""
                    SELECT v.product_id, v.id FROM catalog.product_variants v
                      JOIN catalog.inventory i ON i.product_variant_id = v.id
                      JOIN catalog.products p ON p.id = v.product_id
                     WHERE p.is_active ORDER BY v.id LIMIT 1 OFFSET 77""")) {
                rs.next();
                product = rs.getLong(1);
                variant = rs.getLong(2);
            }
            s.execute("UPDATE catalog.inventory SET quantity_available = 1000000 WHERE product_variant_id = " + variant);
        }
        long end = System.nanoTime() + duration.toNanos();
        int i = 0;
        while (System.nanoTime() < end) {
            String catalog = cluster.url(CacheCheck.CATALOGS.get(i % 2));
            send("GET", catalog + "/products/featured", null, null, null);
            send("GET", catalog + "/products?q=shirt", null, null, null);
            send("GET", catalog + "/products/" + (product + i % 20), null, null, null);
            send("PATCH", catalog + "/admin/products/" + product, admin, "{\"price\": " + (10 + i % 50) + ".50}", null);
            String orderKey = UUID.randomUUID().toString();
            String orders = cluster.url(CacheCheck.ORDERS) + "/orders";
            send("POST", orders, customer, "{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]}", orderKey);
            send("POST", orders, customer, "{\"lines\":[{\"variantId\":" + variant + ",\"quantity\":1}]}", orderKey);
            send("GET", orders, customer, null, null);
            i++;
            LocalCluster.sleep(100);
        }
    }

    private void send(String method, String url, String token, String body, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    /** Null if the expression returns at least one series, else what went wrong. */
    private String evaluate(String expr) throws Exception {
        String url = prometheus + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        if (!"success".equals(answer.path("status").asText())) {
            return "error " + answer.path("error").asText();
        }
        return answer.path("data").path("result").isEmpty() ? "no series" : null;
    }

    static List<String> dashboardExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        try (Stream<Path> files = Files.list(REPO.resolve("monitoring/grafana/dashboards"))) {
            for (Path file : files.sorted().toList()) {
                JSON.readTree(file.toFile()).path("panels").forEach(panel -> panel.path("targets")
                        .forEach(target -> expressions.add(target.path("expr").asText())));
            }
        }
        return expressions;
    }

    /** Recording rule expressions; for alerts, each side of an `and` with its threshold comparison removed. */
    static List<String> ruleFigures() throws IOException {
        List<String> figures = new ArrayList<>();
        for (String file : List.of("rules/recording.yml", "rules/alerts.yml")) {
            YAML.readTree(PROMETHEUS_DIR.resolve(file).toFile()).path("groups").forEach(group -> group.path("rules").forEach(rule -> {
                String expr = rule.path("expr").asText().trim();
                if (rule.has("record")) {
                    figures.add(expr);
                } else {
                    for (String side : expr.split("\\s+and\\s+")) {
                        figures.add(side.replaceAll("\\s*(>|<|>=|<=|==|!=)\\s*[0-9.eE+-]+$", "").trim());
                    }
                }
            }));
        }
        return figures;
    }

    static List<String> alertNames() throws IOException {
        List<String> names = new ArrayList<>();
        YAML.readTree(PROMETHEUS_DIR.resolve("rules/alerts.yml").toFile()).path("groups")
                .forEach(g -> g.path("rules").forEach(r -> names.add(r.path("alert").asText())));
        return names;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(path);
            }
        }
    }
}
