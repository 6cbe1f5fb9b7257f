package io.shop.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus histogram read from a service's /q/metrics: cumulative counts per upper bound. Two scrapes
 * subtracted give the observations in between; quantiles are interpolated within a bucket as
 * {@code histogram_quantile} does, so these figures are the ones the Grafana dashboards show.
 */
record PromHistogram(TreeMap<Double, Double> buckets) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static PromHistogram scrape(String metricsUrl, String metric, String labelMatch) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "_bucket\\{(.*)\\} (\\S+)$", Pattern.MULTILINE);
            Matcher m = line.matcher(body);
            while (m.find()) {
                String labels = m.group(1);
                if (!labels.contains(labelMatch)) {
                    continue;
                }
                Matcher le = Pattern.compile("(?:^|,)le=\"([^\"]+)\"").matcher(labels);
                if (le.find()) {
                    double bound = "+Inf".equals(le.group(1)) ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                    buckets.merge(bound, Double.parseDouble(m.group(2)), Double::sum);
                }
            }
        } catch (IOException e) {
            // a service that does not answer contributes nothing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new PromHistogram(buckets);
    }

    PromHistogram plus(PromHistogram other) {
        TreeMap<Double, Double> sum = new TreeMap<>(buckets);
        other.buckets.forEach((le, n) -> sum.merge(le, n, Double::sum));
        return new PromHistogram(sum);
    }

    PromHistogram minus(PromHistogram earlier) {
        TreeMap<Double, Double> diff = new TreeMap<>();
        buckets.forEach((le, n) -> diff.put(le, n - earlier.buckets.getOrDefault(le, 0.0)));
        return new PromHistogram(diff);
    }

    double count() {
        return buckets.isEmpty() ? 0 : buckets.lastEntry().getValue();
    }

    /** The q-quantile in the histogram's unit (seconds), NaN if empty; the highest finite bound if in +Inf. */
    double quantile(double q) {
        double total = count();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> e : buckets.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = e.getValue() - lowerCount;
                return inBucket <= 0 ? e.getKey() : lowerBound + (e.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = e.getKey().isInfinite() ? lowerBound : e.getKey();
            lowerCount = e.getValue();
        }
        return lowerBound;
    }
}
