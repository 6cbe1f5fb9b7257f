package io.shop.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the suite's built jars as separate JVMs on ports of their own, beside anything else running: the
 * invalidator and any number of catalog instances, on one database and one Redis database. For the staleness
 * checker, which needs two catalog instances and an invalidator it can stop and start.
 */
final class LocalCluster implements AutoCloseable {

    record Settings(Path repo, String database, int redisDb, String invalidatorGroup, Path logs) {
    }

    private final Settings settings;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    LocalCluster(Settings settings) {
        this.settings = settings;
    }

    static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    void startInvalidator(int port) {
        start("cache-invalidator-" + port, "cache-invalidator", port, List.of(
                "-Dmp.messaging.incoming.product-changes.group.id=" + settings.invalidatorGroup(),
                "-Dinvalidator.heartbeat-interval=PT0.25S"));
    }

    void startCatalog(int port, boolean cacheEnabled) {
        start("catalog-service-" + port, "catalog-service", port, List.of(
                "-Dshop.db.name=" + settings.database(),
                "-Dshop.auth.public-key-location=dev-keys/publicKey.pem",
                "-Dcatalog.cache.enabled=" + cacheEnabled,
                "-Dshop.db.pool-size=4"));
    }

    void startOrders(int port) {
        start("order-service-" + port, "order-service", port, List.of(
                "-Dshop.db.name=" + settings.database(),
                "-Dshop.auth.public-key-location=dev-keys/publicKey.pem",
                "-Dshop.db.pool-size=4"));
    }

    /** Any other program (exporters, Prometheus), stopped with the cluster; ready when {@code readyUrl} answers 200. */
    void startProgram(String name, List<String> command, java.util.Map<String, String> env, String readyUrl) {
        try {
            Files.createDirectories(settings.logs());
            File log = settings.logs().resolve(name + ".log").toFile();
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
            builder.environment().putAll(env);
            Process p = builder.start();
            processes.put(name, p);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (get(readyUrl) != 200) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not start; see " + log);
                }
                sleep(200);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
    }

    void stop(String name) {
        Process p = processes.remove(name);
        if (p != null) {
            p.destroy();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void stopInvalidator(int port) {
        stop("cache-invalidator-" + port);
    }

    private void start(String name, String module, int port, List<String> extra) {
        Path jar = settings.repo().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is not built: ./mvnw -DskipTests package");
        }
        List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.redis.hosts=redis://127.0.0.1:6379/" + settings.redisDb(),
                "-Dquarkus.log.console.json.enabled=false"));
        command.addAll(extra);
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(settings.logs());
            File log = settings.logs().resolve(name + ".log").toFile();
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
            processes.put(name, p);
            waitReady(name, p, port, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
    }

    private void waitReady(String name, Process p, int port, File log) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + log);
            }
            if (get(url(port) + "/q/health/ready") == 200) {
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " not ready in 90 s; see " + log);
    }

    /** The HTTP status of a GET, or -1 if nothing answered. */
    static int get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        new ArrayList<>(processes.keySet()).forEach(this::stop);
    }
}
