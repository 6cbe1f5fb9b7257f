package io.shop.common.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shop.common.error.Problem;
import io.shop.common.json.JsonText;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Every request is answered within {@code shop.http.request-timeout}: if nothing was written by then, the client gets
 * 503 problem+json with {@code Retry-After}. The common cause is a PostgreSQL that is frozen (SIGSTOP, a hung host or
 * disk): its connections stay open and nothing answers, so without a deadline a checkout or a history page would
 * wait for ever while the client and every proxy time out. It is longer than the database's own limits (lock_timeout
 * 5 s), so a checkout that waits on a lock is answered by PostgreSQL's decision, not by this: only when PostgreSQL
 * itself stopped answering may a checkout answered here still commit once it moves again; retrying with the same
 * Idempotency-Key then answers what it did. The catalog's reads have shorter deadlines of their own.
 */
@ApplicationScoped
public class RequestDeadline {

    private static final Logger LOG = Logger.getLogger(RequestDeadline.class);

    private final long timeoutMillis;
    private final String body;

    public RequestDeadline(@ConfigProperty(name = "shop.http.request-timeout", defaultValue = "PT10S") Duration timeout,
                           ObjectMapper json) {
        this.timeoutMillis = timeout.toMillis();
        this.body = JsonText.write(json, Problem.of(503, "Service unavailable",
                "The request could not be completed within " + timeout.toMillis() + " ms; try again shortly"));
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            long timer = ctx.vertx().setTimer(timeoutMillis, id -> {
                if (!ctx.response().headWritten() && !ctx.response().closed()) {
                    LOG.warnf("%s %s not answered within %d ms: 503", ctx.request().method(), ctx.request().path(),
                            timeoutMillis);
                    ctx.response().setStatusCode(503).putHeader("Content-Type", Problem.MEDIA_TYPE)
                            .putHeader("Retry-After", "1").end(body);
                }
            });
            ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
            ctx.next();
        });
    }
}
