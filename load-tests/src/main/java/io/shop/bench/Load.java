package io.shop.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/** Drives HTTP load: serial, closed loop with N clients, or an open model at a fixed arrival rate. */
final class Load {

    /** One request to send; {@code expectedStatus} decides what counts as an error. */
    record Call(HttpRequest request, int... expectedStatus) {
        boolean ok(int status) {
            for (int s : expectedStatus) {
                if (s == status) {
                    return true;
                }
            }
            return false;
        }
    }

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Load() {
    }

    static HttpRequest get(String url, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    static int send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** {@code count} requests one after another, after {@code warmup} unmeasured ones. */
    static Latencies serial(LongFunction<Call> calls, int warmup, int count) {
        for (int i = 0; i < warmup; i++) {
            send(calls.apply(i).request());
        }
        Latencies latencies = new Latencies();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Call call = calls.apply(warmup + i);
            long t0 = System.nanoTime();
            int status = send(call.request());
            latencies.record(System.nanoTime() - t0, call.ok(status));
        }
        latencies.wall(System.nanoTime() - start);
        return latencies;
    }

    /** {@code clients} virtual users, each sending its next request as soon as the last one answered. */
    static Latencies closedLoop(LongFunction<Call> calls, int clients, Duration warmup, Duration duration) {
        runClosed(calls, clients, warmup, null);
        Latencies latencies = new Latencies();
        long wall = runClosed(calls, clients, duration, latencies);
        latencies.wall(wall);
        return latencies;
    }

    private static long runClosed(LongFunction<Call> calls, int clients, Duration duration, Latencies latencies) {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong sequence = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    Call call = calls.apply(sequence.getAndIncrement());
                    long t0 = System.nanoTime();
                    int status = send(call.request());
                    if (latencies != null) {
                        latencies.record(System.nanoTime() - t0, call.ok(status));
                    }
                }
            });
        }
        shutdown(pool, duration.plusSeconds(60));
        return System.nanoTime() - start;
    }

    /**
     * Open model: requests start at a fixed rate whether or not earlier ones have answered, and each latency is
     * measured from its scheduled start, so a stall is not hidden (no coordinated omission).
     */
    static Latencies fixedRate(LongFunction<Call> calls, int perSecond, Duration duration) {
        Latencies latencies = new Latencies();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        ExecutorService senders = Executors.newCachedThreadPool();
        long total = perSecond * duration.toSeconds();
        long intervalNanos = 1_000_000_000L / perSecond;
        long start = System.nanoTime() + 50_000_000L;
        for (long i = 0; i < total; i++) {
            long scheduled = start + i * intervalNanos;
            long index = i;
            scheduler.schedule(() -> senders.submit(() -> {
                Call call = calls.apply(index);
                int status = send(call.request());
                latencies.record(System.nanoTime() - scheduled, call.ok(status));
            }), scheduled - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        shutdown(scheduler, duration.plusSeconds(5));
        shutdown(senders, Duration.ofSeconds(60));
        latencies.wall(System.nanoTime() - start);
        return latencies;
    }

    private static void shutdown(ExecutorService pool, Duration await) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(await.toSeconds(), TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }
}
