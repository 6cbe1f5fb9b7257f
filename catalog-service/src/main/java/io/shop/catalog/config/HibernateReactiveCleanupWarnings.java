package io.shop.catalog.config;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops two warnings Hibernate Reactive 3.2.1 logs on every admin write ("HHH90010101: Closing shared session with
 * unprocessed transaction completion actions", "HHH90010108: Closing session with unprocessed clean up bulk
 * operations"): its native updates queue their clean-up in the wrong action queue (hibernate-reactive#3177, fixed
 * in a release newer than the one Quarkus 3.31.1 brings and than this build can fetch). The clean-up still runs;
 * only the two lines per write, 400 a second under the cache benchmark's writers, go. Remove with the upgrade.
 */
@LoggingFilter(name = "hibernate-reactive-cleanup-warnings")
public final class HibernateReactiveCleanupWarnings implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        return message == null || !(message.startsWith("HHH90010101") || message.startsWith("HHH90010108"));
    }
}
