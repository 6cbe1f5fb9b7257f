package io.shop.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Drives HTTP load from one Vert.x event loop (non-blocking keep-alive connections), so the load generator takes
 * as little as possible of the cores it shares with the system under test: one request at a time, a closed loop
 * of N clients, or an open model at a fixed arrival rate.
 */
final class Load implements AutoCloseable {

    /** One request to send and the statuses that count as success. */
    record Call(HttpMethod method, String url, Map<String, String> headers, String body, int... expectedStatus) {

        static Call get(String url, String token, int... expected) {
            return new Call(HttpMethod.GET, url, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token),
                    null, expected);
        }

        boolean ok(int status) {
            for (int s : expectedStatus) {
                if (s == status) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final WebClient client;

    Load(int maxConnections) {
        client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setMaxPoolSize(maxConnections)
                .setConnectTimeout(5000).setIdleTimeout(60).setTryUseCompression(false));
    }

    private Future<HttpResponse<Buffer>> request(Call call) {
        HttpRequest<Buffer> request = client.requestAbs(call.method(), call.url()).timeout(30_000);
        call.headers().forEach(request::putHeader);
        return call.body() == null ? request.send()
                : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(call.body()));
    }

    /** Sends one call; completes with its status (-1 on a transport error), never fails. */
    Future<Integer> send(Call call) {
        return request(call).map(HttpResponse::statusCode).otherwise(-1);
    }

    /** Blocking helper for setup calls. */
    String sendForBody(Call call) throws Exception {
        HttpResponse<Buffer> r = request(call).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (!call.ok(r.statusCode())) {
            throw new IllegalStateException(call.url() + " answered " + r.statusCode() + ": " + r.bodyAsString());
        }
        return r.bodyAsString();
    }

    /** {@code count} requests one after another, after {@code warmup} unmeasured ones. */
    Latencies serial(LongFunction<Call> calls, int warmup, int count) throws Exception {
        Latencies latencies = new Latencies();
        Promise<Void> done = Promise.promise();
        long[] start = new long[1];
        vertx.runOnContext(v -> next(calls, 0, warmup, count, latencies, start, done));
        done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
        latencies.wall(System.nanoTime() - start[0]);
        return latencies;
    }

    private void next(LongFunction<Call> calls, long i, int warmup, int count, Latencies latencies, long[] start,
                      Promise<Void> done) {
        if (i == warmup) {
            start[0] = System.nanoTime();
        }
        if (i == warmup + count) {
            done.complete();
            return;
        }
        Call call = calls.apply(i);
        long t0 = System.nanoTime();
        send(call).onComplete(status -> {
            if (i >= warmup) {
                latencies.record(System.nanoTime() - t0, call.ok(status.result()));
            }
            next(calls, i + 1, warmup, count, latencies, start, done);
        });
    }

    /** {@code clients} virtual users, each sending its next request as soon as the last one answered. */
    Latencies closedLoop(LongFunction<Call> calls, int clients, Duration warmup, Duration duration) throws Exception {
        runClosed(calls, clients, warmup, null);
        Latencies latencies = new Latencies();
        latencies.wall(runClosed(calls, clients, duration, latencies));
        return latencies;
    }

    private long runClosed(LongFunction<Call> calls, int clients, Duration duration, Latencies latencies)
            throws Exception {
        AtomicLong sequence = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Promise<Void> done = Promise.promise();
        AtomicLong running = new AtomicLong(clients);
        vertx.runOnContext(v -> {
            for (int c = 0; c < clients; c++) {
                loop(calls, sequence, end, latencies, running, done);
            }
        });
        done.future().toCompletionStage().toCompletableFuture().get(duration.toSeconds() + 120, TimeUnit.SECONDS);
        return System.nanoTime() - start;
    }

    private void loop(LongFunction<Call> calls, AtomicLong sequence, long end, Latencies latencies, AtomicLong running,
                      Promise<Void> done) {
        if (System.nanoTime() >= end) {
            if (running.decrementAndGet() == 0) {
                done.complete();
            }
            return;
        }
        Call call = calls.apply(sequence.getAndIncrement());
        long t0 = System.nanoTime();
        send(call).onComplete(status -> {
            if (latencies != null) {
                latencies.record(System.nanoTime() - t0, call.ok(status.result()));
            }
            loop(calls, sequence, end, latencies, running, done);
        });
    }

    /**
     * Open model: requests start at a fixed rate whether or not earlier ones have answered, and each latency is
     * measured from its scheduled start, so a stall is not hidden (no coordinated omission).
     */
    Latencies fixedRate(LongFunction<Call> calls, int perSecond, Duration warmup, Duration duration) throws Exception {
        runFixed(calls, perSecond, warmup, new Latencies());
        Latencies latencies = new Latencies();
        latencies.wall(runFixed(calls, perSecond, duration, latencies));
        return latencies;
    }

    private long runFixed(LongFunction<Call> calls, int perSecond, Duration duration, Latencies latencies)
            throws Exception {
        long total = perSecond * duration.toSeconds();
        long intervalNanos = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        AtomicLong issued = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        Promise<Void> done = Promise.promise();
        // A 1 ms tick issues every request whose scheduled time has come.
        long timer = vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (issued.get() < total && start + issued.get() * intervalNanos <= now) {
                long index = issued.getAndIncrement();
                long scheduled = start + index * intervalNanos;
                Call call = calls.apply(index);
                send(call).onComplete(status -> {
                    latencies.record(System.nanoTime() - scheduled, call.ok(status.result()));
                    if (answered.incrementAndGet() == total) {
                        done.complete();
                    }
                });
            }
        });
        try {
            done.future().toCompletionStage().toCompletableFuture().get(duration.toSeconds() + 120, TimeUnit.SECONDS);
        } finally {
            vertx.cancelTimer(timer);
        }
        return System.nanoTime() - start;
    }

    @Override
    public void close() {
        client.close();
        vertx.close();
    }
}
