package io.shop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The k6 scripts, checked without k6 (which cannot be installed here): TypeScript type-checks them against
 * k6's published types (@types/k6, checkJs), and Node evaluates their init code with k6's modules stubbed to get
 * the options they build, which must be what the Java harness derives from the same scenarios.json.
 */
class K6ScriptsTest {

    static final Path K6 = MonitoringLiveTest.REPO.resolve("load-tests/k6");
    static final ObjectMapper JSON = new ObjectMapper();
    /** Which endpoints each script measures (its thresholds). */
    static final Map<String, List<String>> ENDPOINTS = Map.of(
            "catalog.js", List.of("featured", "search", "detail"),
            "checkout.js", List.of("checkout"),
            "order-history.js", List.of("history"));

    @BeforeAll
    static void install() throws Exception {
        Tools.npmInstall(K6);
    }

    @Test
    void everyScriptTypeChecksAgainstK6sTypes() throws Exception {
        assertThat(Tools.npmCheck(K6)).as("tsc errors in load-tests/k6").isZero();
    }

    @Test
    void aCallThatK6DoesNotHaveFailsTheTypeCheck() throws Exception {
        Path copy = copyOfScripts();
        Path script = copy.resolve("catalog.js");
        String source = Files.readString(script);
        assertThat(source).contains("http.get(");
        Files.writeString(script, source.replace("http.get(", "http.gett("));
        Tools.Result result = Tools.result(copy, "npx", "--no-install", "tsc", "-p", "tsconfig.json");
        assertThat(result.exit()).isNotZero();
        assertThat(result.output()).contains("Property 'gett' does not exist");
    }

    @Test
    void scriptsBuildTheirThresholdsAndRatesFromTheScenarioFileTheHarnessReads() throws Exception {
        JsonNode options = k6Options(K6);
        assertThat(fieldNames(options)).containsExactlyInAnyOrderElementsOf(ENDPOINTS.keySet());
        Scenarios scenarios = Scenarios.load(MonitoringLiveTest.REPO);
        ENDPOINTS.forEach((script, endpoints) -> assertThat(thresholds(options.path(script)))
                .as("thresholds of %s", script).isEqualTo(scenarios.thresholds(endpoints)));
        assertThat(options.at("/catalog.js/scenarios/catalog/rate").asInt()).isEqualTo(scenarios.catalogReadRate());
        assertThat(options.at("/checkout.js/scenarios/checkout/rate").asInt()).isEqualTo(scenarios.checkoutRate());
        assertThat(options.at("/order-history.js/scenarios/history/vus").asInt()).isEqualTo(scenarios.historyClients());
    }

    /** Not a copy kept in step by hand: change a goal and a rate in the file, and both sides follow. */
    @Test
    void aChangedScenarioFileChangesTheScriptsAndTheHarnessAlike() throws Exception {
        Path copy = copyOfScripts();
        Path file = copy.resolve("scenarios.json");
        Files.writeString(file, Files.readString(file).replace("\"p99Ms\": 30", "\"p99Ms\": 42.5")
                .replace("\"ratePerSecond\": 100", "\"ratePerSecond\": 77"));
        Scenarios changed = Scenarios.read(file);
        assertThat(changed.p99GoalMillis("checkout")).isEqualTo(42.5);
        assertThat(changed.checkoutRate()).isEqualTo(77);
        JsonNode options = k6Options(copy);
        assertThat(thresholds(options.path("checkout.js"))).isEqualTo(changed.thresholds(List.of("checkout")));
        assertThat(thresholds(options.path("checkout.js")).get("http_req_duration{endpoint:checkout}"))
                .containsExactly("p(99)<42.5");
        assertThat(options.at("/checkout.js/scenarios/checkout/rate").asInt()).isEqualTo(77);
    }

    @Test
    void harnessFillsPathsAsTheScriptsDo() {
        Scenarios scenarios = Scenarios.load(MonitoringLiveTest.REPO);
        assertThat(scenarios.path("detail", Map.of("productId", 42))).isEqualTo("/products/42");
        assertThat(scenarios.path("search", Map.of("word", "red shoes")))
                .startsWith("/products?q=red%20shoes&");
    }

    private static JsonNode k6Options(Path scripts) throws Exception {
        Tools.Result result = Tools.result(scripts, "node", "check/options.mjs");
        assertThat(result.exit()).as("node check/options.mjs").isZero();
        return JSON.readTree(result.output());
    }

    private static Map<String, List<String>> thresholds(JsonNode scriptOptions) {
        Map<String, List<String>> thresholds = new LinkedHashMap<>();
        scriptOptions.path("thresholds").fields().forEachRemaining(e -> {
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            thresholds.put(e.getKey(), values);
        });
        return thresholds;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The scripts and their check in a scratch folder, sharing the installed node_modules. */
    private static Path copyOfScripts() throws IOException {
        Path copy = Files.createTempDirectory(MonitoringLiveTest.REPO.resolve("load-tests/target"), "k6-");
        try (Stream<Path> files = Files.walk(K6)) {
            for (Path source : files.filter(p -> !p.startsWith(K6.resolve("node_modules"))).toList()) {
                Path target = copy.resolve(K6.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Files.createSymbolicLink(copy.resolve("node_modules"), K6.resolve("node_modules"));
        return copy;
    }
}
