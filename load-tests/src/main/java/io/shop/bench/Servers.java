package io.shop.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a harness cluster finds PostgreSQL, Redis and Kafka, and the faults a check may inject into them: the
 * machine's (the benchmarks, beside {@code ./shop up}: only the broker, which deploy/local/infra.sh started) or the
 * tests' own (the system tests, see TestServers: the broker killed or frozen, Redis frozen or killed, PostgreSQL stopped, killed
 * or frozen).
 *
 * @param freezeBroker and {@code thawBroker}: SIGSTOP and SIGCONT of the broker; null where it is not ours to freeze
 * @param freezeRedis and {@code thawRedis}, {@code killRedis} (SIGKILL) and {@code startRedis}: null where Redis is not
 *                    ours to fault (the machine's)
 * @param stopPostgres and {@code startPostgres}, {@code killPostgres} (SIGKILL of every process of the cluster),
 *                     {@code freezePostgres} and {@code thawPostgres}: null where PostgreSQL is not ours to fault (the
 *                     machine's)
 */
record Servers(int postgresPort, int redisPort, int kafkaPort, Runnable stopBroker, Runnable startBroker,
               Runnable freezeBroker, Runnable thawBroker, Runnable freezeRedis, Runnable thawRedis, Runnable killRedis, Runnable startRedis,
               Runnable stopPostgres, Runnable startPostgres, Runnable killPostgres,
               Runnable freezePostgres, Runnable thawPostgres) {

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + database + "?user=postgres";
    }

    String redisUrl(int database) {
        return "redis://127.0.0.1:" + redisPort + "/" + database;
    }

    String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    /**
     * The servers of {@code ./shop up} (SHOP_DB_PORT, SHOP_REDIS_PORT, SHOP_KAFKA_PORT override the defaults); the broker
     * is the one deploy/local/infra.sh started, which "down" stops and "up" starts again on its data.
     */
    static Servers machine(Path repo) {
        return new Servers(env("SHOP_DB_PORT", 5432), env("SHOP_REDIS_PORT", 6379), env("SHOP_KAFKA_PORT", 9092),
                () -> infra(repo, "down"), () -> infra(repo, "up"), null, null, null, null, null, null, null, null, null, null, null);
    }

    private static int env(String name, int defaultValue) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? defaultValue : Integer.parseInt(value);
    }

    /** Runs deploy/local/infra.sh in a session of its own, its output in .local-state/logs/infra.log. */
    private static void infra(Path repo, String command) {
        try {
            Path log = repo.resolve(".local-state/logs/infra.log");
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder("setsid", "--wait", "bash", repo.resolve("deploy/local/infra.sh").toString(), command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("deploy/local/infra.sh " + command + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
