package io.shop.bench;

import io.shop.common.testing.TestServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * The harness's view of the tests' own servers (started by ./shop test): the system tests run their clusters there,
 * a broker outage is a SIGKILL of the tests' broker (or a SIGSTOP), Redis is frozen with SIGSTOP and killed with SIGKILL, and
 * PostgreSQL is stopped, killed with SIGKILL and frozen.
 */
final class SystemTestServers {

    static final String DATABASE = "shop_test";

    private static boolean datasetReady;

    private SystemTestServers() {
    }

    /**
     * The servers, with the tests' database migrated and holding the small dataset: a system test reads products,
     * variants and users before any service of its cluster has started, and must not depend on a test of another
     * module having run first.
     */
    static synchronized Servers get() {
        Servers servers = new Servers(TestServers.postgresPort(), TestServers.redisPort(), TestServers.kafkaPort(),
                TestServers.Server.KAFKA::kill, TestServers.Server.KAFKA::start,
                TestServers.Server.KAFKA::freeze, TestServers.Server.KAFKA::thaw,
                TestServers.Server.REDIS::freeze, TestServers.Server.REDIS::thaw,
                TestServers.Server.REDIS::kill, TestServers.Server.REDIS::start,
                TestServers.Server.POSTGRES::stop, TestServers.Server.POSTGRES::start, TestServers.Server.POSTGRES::kill,
                TestServers.Server.POSTGRES::freeze, TestServers.Server.POSTGRES::thaw);
        if (!datasetReady) {
            ensureSmallDataset(servers.jdbcUrl(DATABASE));
            datasetReady = true;
        }
        return servers;
    }

    /** The services' own migrations (as quarkus.flyway in shop-database configures them), then datagen.ensure. */
    private static void ensureSmallDataset(String jdbcUrl) {
        Path migrations = Path.of("..").toAbsolutePath().normalize()
                .resolve("shop-database/src/main/resources/db/migration");
        Flyway.configure().dataSource(jdbcUrl, null, null)
                .schemas("catalog", "orders", "datagen")
                .locations("filesystem:" + migrations)
                .load().migrate();
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("CALL datagen.ensure('small')");
        } catch (SQLException e) {
            throw new IllegalStateException("generating the small dataset in " + jdbcUrl, e);
        }
    }
}
