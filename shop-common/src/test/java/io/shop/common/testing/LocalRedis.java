package io.shop.common.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops and starts the machine's real Redis (127.0.0.1:6379, nothing kept on disk), for tests of what the suite
 * does while Redis is away and after it comes back empty. Starts it with the same command the machine uses.
 */
public final class LocalRedis {

    private LocalRedis() {
    }

    public static void stop() {
        run(List.of("redis-cli", "-p", "6379", "shutdown", "nosave"));
        waitFor(false);
    }

    public static void start() {
        run(List.of("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
                "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"));
        waitFor(true);
    }

    public static void restart() {
        stop();
        start();
    }

    public static boolean isUp() {
        return run(List.of("redis-cli", "-p", "6379", "ping")).contains("PONG");
    }

    private static void waitFor(boolean up) {
        await("Redis " + (up ? "up" : "down")).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> isUp() == up);
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
