package io.shop.common.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tests' own PostgreSQL, Redis and Kafka, started by {@code ./shop test} (deploy/local/test.sh) on free ports in
 * a state directory of the clone, and the faults a test may inject into them: stop, kill (SIGKILL), freeze
 * (SIGSTOP) and start or thaw again. The machine's own servers are never touched: every action goes through
 * {@code deploy/local/infra.sh} in its private mode, which refuses to act on anything else.
 */
public final class TestServers {

    /** A server of the test set. */
    public enum Server {
        POSTGRES, REDIS, KAFKA;

        public void stop() {
            infra("stop", this);
        }

        /** SIGKILL: what an OOM kill or a lost node does; nothing is flushed or closed. */
        public void kill() {
            infra("kill", this);
        }

        /** SIGSTOP: the process holds its connections and answers nothing (a long GC pause, a hung host). */
        public void freeze() {
            infra("freeze", this);
        }

        public void thaw() {
            infra("thaw", this);
        }

        /** Starts it again on the same port and data (Redis comes back empty: it keeps nothing on disk). */
        public void start() {
            infra("start", this);
        }

        public void restart() {
            stop();
            start();
        }
    }

    private TestServers() {
    }

    public static int postgresPort() {
        return Integer.parseInt(required("SHOP_TEST_DB_PORT"));
    }

    public static int redisPort() {
        return Integer.parseInt(required("SHOP_TEST_REDIS_PORT"));
    }

    public static int kafkaPort() {
        return Integer.parseInt(required("SHOP_TEST_KAFKA_PORT"));
    }

    public static String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort();
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort() + "/" + database + "?user=postgres";
    }

    public static String redisUrl(int database) {
        return "redis://127.0.0.1:" + redisPort() + "/" + database;
    }

    /** The state directory of the test servers (logs of the servers and of what tests start live under it). */
    public static Path stateDir() {
        return Path.of(required("SHOP_TEST_STATE_DIR"));
    }

    /** The repository this test runs in: the directory holding the {@code shop} script. */
    public static Path repo() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("shop"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the shop repository: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the tests with ./shop test, which starts their own "
                    + "PostgreSQL, Redis and Kafka (or SHOP_KEEP_TEST_SERVERS=1 ./shop test once, then source "
                    + ".local-state/test/servers.env as deploy/local/test.sh does)");
        }
        return value;
    }

    private static void infra(String action, Server server) {
        String name = server.name().toLowerCase(java.util.Locale.ROOT);
        File log = stateDir().resolve("faults.log").toFile();
        ProcessBuilder builder = new ProcessBuilder(List.of("setsid", "--wait", "bash",
                repo().resolve("deploy/local/infra.sh").toString(), action, name))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        builder.environment().put("SHOP_SERVERS", "private");
        builder.environment().put("SHOP_STATE_DIR", stateDir().toString());
        try {
            Process p = builder.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("infra.sh " + action + " " + name + " took over 120 s; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("infra.sh " + action + " " + name + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run infra.sh " + action + " " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
