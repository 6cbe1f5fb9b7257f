package io.shop.bench;

import io.shop.common.testing.TestServers;

/**
 * The harness's view of the tests' own servers (started by ./shop test): the system tests run their clusters there,
 * a broker outage is a SIGKILL of the tests' broker, Redis is frozen with SIGSTOP, and PostgreSQL is stopped and frozen.
 */
final class SystemTestServers {

    private SystemTestServers() {
    }

    static Servers get() {
        return new Servers(TestServers.postgresPort(), TestServers.redisPort(), TestServers.kafkaPort(),
                TestServers.Server.KAFKA::kill, TestServers.Server.KAFKA::start,
                TestServers.Server.REDIS::freeze, TestServers.Server.REDIS::thaw,
                TestServers.Server.POSTGRES::stop, TestServers.Server.POSTGRES::start,
                TestServers.Server.POSTGRES::freeze, TestServers.Server.POSTGRES::thaw);
    }
}
