package io.shop.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the suite's built jars as separate JVMs on free ports of their own, beside anything else running: the
 * invalidator and any number of catalog instances, on one database and one Redis database of the given servers. For the staleness
 * checker, which needs two catalog instances and an invalidator it can stop and start.
 */
final class LocalCluster implements AutoCloseable {

    record Settings(Path repo, Servers servers, String database, int redisDb, String invalidatorGroup, Path logs) {
    }

    private final Settings settings;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    /** Each name keeps its port, so a process started again answers where it did before. */
    private final Map<String, Integer> ports = new HashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Marks the processes of harness clusters with the repository they run from, so that deploy/local/test.sh can
     * stop any that a crashed test left behind, and only its own clone's.
     */
    static final String MARKER = "-Dshop.harness-cluster=";

    LocalCluster(Settings settings) {
        this.settings = settings;
        // Children live in sessions of their own: they would outlive this JVM if it exited without closing us.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "local-cluster-shutdown"));
    }

    static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** The port of a named process: a free one the first time it is asked for. */
    int port(String name) {
        return ports.computeIfAbsent(name, n -> freePort());
    }

    String url(String name) {
        return url(port(name));
    }

    Servers servers() {
        return settings.servers();
    }

    void startInvalidator(String name) {
        start(name, "cache-invalidator", List.of(
                "-Dmp.messaging.incoming.product-changes.group.id=" + settings.invalidatorGroup()));
    }

    /** The committed development keys (dev-keys/, in no jar). */
    private String devKey(String file) {
        return settings.repo().resolve("dev-keys").resolve(file).toAbsolutePath().normalize().toString();
    }

    void startCatalog(String name, boolean cacheEnabled) {
        startCatalog(name, cacheEnabled, Duration.ofSeconds(3));
    }

    /**
     * A catalog instance whose caches answer only within {@code stalenessBound}; its relay drains and writes
     * watermarks every 100 ms, so that the progress usually stays well within a bound of a second. The product
     * page's leg timeout is 2 s instead of 0.5: these clusters measure staleness, and on a 2-core machine running
     * the whole suite a scheduling hiccup would otherwise turn a read into a 503.
     */
    void startCatalog(String name, boolean cacheEnabled, Duration stalenessBound) {
        start(name, "catalog-service", List.of(
                "-Dshop.auth.public-key-location=" + devKey("publicKey.pem"),
                "-Dcatalog.cache.enabled=" + cacheEnabled,
                "-Dcatalog.cache.staleness-bound=" + stalenessBound,
                "-Dcatalog.detail.leg-timeout=PT2S",
                "-Dshop.outbox.watermark.min-interval=PT0.1S",
                "-Dshop.db.pool-size=4"));
    }

    void startOrders(String name) {
        start(name, "order-service", List.of(
                "-Dshop.auth.public-key-location=" + devKey("publicKey.pem"),
                "-Dshop.outbox.watermark.min-interval=PT0.1S",
                "-Dshop.db.pool-size=4"));
    }

    /** Any other program (exporters, Prometheus), stopped with the cluster; ready when {@code readyUrl} answers 200. */
    void startProgram(String name, List<String> command, Map<String, String> env, String readyUrl) {
        Process p = launch(name, command, env);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (get(readyUrl) != 200) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not start; see " + log(name));
            }
            sleep(200);
        }
    }

    /** The process id of each running process, by name (setsid execs the JVM: its pid is the one started). */
    synchronized Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        processes.forEach((name, p) -> pids.put(name, p.pid()));
        return pids;
    }

    /** SIGTERM, and waits for the exit: a graceful stop. */
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

    /** SIGKILL: nothing is flushed, no group is left, no connection is closed by the process itself. */
    void kill(String name) {
        Process p = processes.remove(name);
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGSTOP: the process keeps its sockets and answers nothing, as in a long pause or a hung host. */
    void freeze(String name) {
        signal(name, "STOP");
    }

    void thaw(String name) {
        signal(name, "CONT");
    }

    private void signal(String name, String signal) {
        Process p = processes.get(name);
        if (p == null) {
            throw new IllegalStateException(name + " is not running");
        }
        try {
            if (new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + name + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void start(String name, String module, List<String> extra) {
        Path jar = settings.repo().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is not built: ./mvnw -DskipTests package");
        }
        Servers servers = settings.servers();
        List<String> command = new ArrayList<>(List.of("java", MARKER + settings.repo().toAbsolutePath().normalize(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=" + port(name),
                "-Dshop.db.port=" + servers.postgresPort(),
                "-Dshop.db.name=" + settings.database(),
                "-Dquarkus.redis.hosts=" + servers.redisUrl(settings.redisDb()),
                "-Dshop.kafka.bootstrap-servers=" + servers.kafkaBootstrap(),
                "-Dquarkus.log.console.json.enabled=false"));
        command.addAll(extra);
        command.add("-jar");
        command.add(jar.toString());
        waitReady(name, launch(name, command, Map.of()));
    }

    /**
     * In a session of its own (setsid), stdin from /dev/null and output to its log file: a child never shares the
     * caller's standard streams (in a test JVM they are surefire's command channel).
     */
    private Process launch(String name, List<String> command, Map<String, String> env) {
        List<String> detached = new ArrayList<>(List.of("setsid"));
        detached.addAll(command);
        try {
            Files.createDirectories(settings.logs());
            ProcessBuilder builder = new ProcessBuilder(detached)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name)));
            builder.environment().putAll(env);
            Process p = builder.start();
            processes.put(name, p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
    }

    private File log(String name) {
        return settings.logs().resolve(name + ".log").toFile();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private void waitReady(String name, Process p) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + log(name));
            }
            if (get(url(name) + "/q/health/ready") == 200) {
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " not ready in 90 s; see " + log(name));
    }

    /** The value of an unlabelled metric of a service, or NaN if it cannot be read. */
    static double metric(String service, String name) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(service + "/q/metrics")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^" + name + " (\\S+)$",
                    java.util.regex.Pattern.MULTILINE).matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
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
    public synchronized void close() {
        new ArrayList<>(processes.keySet()).forEach(this::stop);
    }
}
