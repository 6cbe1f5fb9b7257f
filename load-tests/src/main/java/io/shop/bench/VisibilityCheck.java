package io.shop.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes other than price changes, each made through one catalog instance and then read from every instance until
 * it shows: a customer's review (the page's rating count), a product deactivated (404) and activated again (200),
 * renamed (its cached page), and a product created (a cached search that did not find it before). A change is
 * visible in time if the first read that saw it on the slowest instance started within the bound.
 */
final class VisibilityCheck {

    record Change(String name, double seconds, boolean seen) {
        String describe(Duration bound) {
            return String.format(Locale.ROOT, "| %s: visible on every instance after (bound %d ms) | %s |%n", name,
                    bound.toMillis(), seen ? String.format(Locale.ROOT, "%.0f ms", seconds * 1000) : "NOT within 10 s");
        }
    }

    private static final Pattern CATEGORY_ID = Pattern.compile("\"categoryId\":(\\d+)");
    private static final Pattern RATING_COUNT = Pattern.compile("\"rating\":\\{\"count\":(\\d+)");
    private static final Duration GIVE_UP = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> catalogs;

    private VisibilityCheck(List<String> catalogs) {
        this.catalogs = catalogs;
    }

    /** Times are from each write's acknowledgement, as the staleness checker's are. */
    static List<Change> run(List<String> catalogs, long product, String adminToken, String customerToken) {
        VisibilityCheck check = new VisibilityCheck(catalogs);
        int before = check.ratingCount(catalogs.get(0), product);
        long t0 = check.send(catalogs.get(0) + "/products/" + product + "/reviews", "POST", customerToken,
                "{\"rating\":4,\"body\":\"Visible everywhere?\"}", 201);
        Change review = check.until("review posted", t0, product, body -> count(body) == before + 1);
        long t1 = check.send(catalogs.get(1) + "/admin/products/" + product, "PATCH", adminToken, "{\"active\":false}", 200);
        Change deactivated = check.untilStatus("product deactivated (404)", t1, product, 404);
        long t2 = check.send(catalogs.get(0) + "/admin/products/" + product, "PATCH", adminToken, "{\"active\":true}", 200);
        Change activated = check.untilStatus("product activated again (200)", t2, product, 200);

        String word = "Visibilis" + Long.toString(System.nanoTime() % 1_000_000, 36);
        long t3 = check.send(catalogs.get(1) + "/admin/products/" + product, "PATCH", adminToken,
                "{\"name\":\"Renamed " + word + "\"}", 200);
        Change renamed = check.until("product renamed", t3, product, body -> body.contains("Renamed " + word));

        // Cache the search's empty answer on every instance first: the new product must evict it.
        String search = "/products?q=" + word + "+Lamp";
        catalogs.forEach(catalog -> check.get(catalog + search));
        Matcher category = CATEGORY_ID.matcher(check.get(catalogs.get(0) + "/products/" + product).body());
        if (!category.find()) {
            throw new IllegalStateException("product " + product + " has no categoryId on its page");
        }
        long t4 = check.send(catalogs.get(0) + "/admin/products", "POST", adminToken, "{\"name\":\"" + word
                + " Lamp\",\"categoryId\":" + category.group(1) + ",\"price\":12.5}", 201);
        Change created = check.poll("product created (found by a cached search)", t4,
                catalog -> check.get(catalog + search).body().contains(word + " Lamp"));
        return List.of(review, deactivated, activated, renamed, created);
    }

    private static int count(String body) {
        Matcher m = RATING_COUNT.matcher(body);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private int ratingCount(String catalog, long product) {
        return count(get(catalog + "/products/" + product).body());
    }

    private Change until(String name, long since, long product, Predicate<String> shows) {
        return poll(name, since, catalog -> {
            HttpResponse<String> r = get(catalog + "/products/" + product);
            return r.statusCode() == 200 && shows.test(r.body());
        });
    }

    private Change untilStatus(String name, long since, long product, int status) {
        return poll(name, since, catalog -> get(catalog + "/products/" + product).statusCode() == status);
    }

    /** For each instance, the start of the first read that showed the change; the slowest instance counts. */
    private Change poll(String name, long since, Predicate<String> shows) {
        double slowest = 0;
        for (String catalog : catalogs) {
            while (true) {
                long start = System.nanoTime();
                if (shows.test(catalog)) {
                    slowest = Math.max(slowest, (start - since) / 1e9);
                    break;
                }
                if (start - since > GIVE_UP.toNanos()) {
                    return new Change(name, -1, false);
                }
                LocalCluster.sleep(20);
            }
        }
        return new Change(name, slowest, true);
    }

    private HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + url + ": " + e, e);
        }
    }

    /** Sends a write; returns when its answer arrived (nanoTime). */
    private long send(String url, String method, String token, String body, int expected) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
            }
            return System.nanoTime();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(method + " " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
