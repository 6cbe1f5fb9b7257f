package io.shop.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load scenarios of {@code load-tests/k6/scenarios.json}, the file the k6 scripts read too (k6/scenarios.js):
 * endpoints with their p99 goals, the search words, rates and users. The harness takes them from here, so the
 * benchmark and the k6 scripts measure the same things against the same goals.
 */
final class Scenarios {

    static final String FILE = "load-tests/k6/scenarios.json";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    private final JsonObject json;

    private Scenarios(JsonObject json) {
        this.json = json;
    }

    static Scenarios load(Path repo) {
        return read(repo.resolve(FILE));
    }

    static Scenarios read(Path file) {
        try {
            return new Scenarios(new JsonObject(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private JsonObject endpoint(String name) {
        JsonObject endpoint = json.getJsonObject("endpoints").getJsonObject(name);
        if (endpoint == null) {
            throw new IllegalArgumentException("no endpoint " + name + " in " + FILE);
        }
        return endpoint;
    }

    double p99GoalMillis(String endpoint) {
        return endpoint(endpoint).getDouble("p99Ms");
    }

    /** The endpoint's path with its {placeholders} filled (URL-encoded), as scenarios.js fills them. */
    String path(String endpoint, Map<String, ?> values) {
        Matcher m = PLACEHOLDER.matcher(endpoint(endpoint).getString("path"));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for {" + m.group(1) + "} of " + endpoint);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(
                    URLEncoder.encode(value.toString(), StandardCharsets.UTF_8).replace("+", "%20")));
        }
        return m.appendTail(out).toString();
    }

    List<String> searchWords() {
        return json.getJsonArray("searchWords").stream().map(Object::toString).toList();
    }

    int catalogReadRate() {
        return json.getJsonObject("catalogReads").getInteger("ratePerSecond");
    }

    int checkoutRate() {
        return json.getJsonObject("checkout").getInteger("ratePerSecond");
    }

    /** The first buyer id and how many: checkout spreads over their tokens. */
    int[] buyers() {
        JsonObject buyers = json.getJsonObject("checkout").getJsonObject("buyers");
        return new int[] {buyers.getInteger("from"), buyers.getInteger("count")};
    }

    int historyClients() {
        return json.getJsonObject("history").getInteger("clients");
    }

    /** The k6 thresholds of a script over these endpoints, built as scenarios.js builds them. */
    Map<String, List<String>> thresholds(List<String> endpoints) {
        Map<String, List<String>> thresholds = new LinkedHashMap<>();
        thresholds.put("http_req_failed", List.of("rate<" + number(json.getDouble("maxErrorRate"))));
        for (String endpoint : endpoints) {
            thresholds.put("http_req_duration{endpoint:" + endpoint + "}", List.of("p(99)<" + number(p99GoalMillis(endpoint))));
        }
        return thresholds;
    }

    /** A number as JavaScript prints it: no ".0" on whole numbers. */
    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
