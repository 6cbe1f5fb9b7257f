package io.shop.database;

import io.shop.common.error.DependencyFailures;
import io.shop.common.error.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The database's failures as the problems clients get: unreachable, shutting down, a lock it could not have in time
 * or a late query is 503 (with Retry-After: not the client's fault, not a bug); text PostgreSQL cannot store is the
 * client's 400.
 */
@ApplicationScoped
public class DatabaseFailures implements DependencyFailures {

    private static final Logger LOG = Logger.getLogger(DatabaseFailures.class);

    @Override
    public Optional<Problem> problemFor(Throwable failure) {
        if (DatabaseErrors.isUnavailable(failure)) {
            LOG.warnf("database unavailable: %s", failure.getMessage());
            return Optional.of(Problem.of(503, "Service unavailable",
                    "The database cannot be reached right now; try again shortly"));
        }
        if (DatabaseErrors.isUnstorableText(failure)) {
            return Optional.of(Problem.of(400, "Bad request",
                    "The request has text with a character that cannot be stored (NUL)"));
        }
        return Optional.empty();
    }
}
