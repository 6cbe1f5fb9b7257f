package io.shop.common.rest;

import io.shop.common.error.Problem;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Rejects a request body announced larger than {@code shop.http.max-body-bytes} with a 413 problem, before a byte of it
 * is read. A Vert.x route ahead of Quarkus' own cap (quarkus.http.limits.max-body-size), which answers with an empty
 * body: so every announced oversize body, 70 KB or 20 MB, gets the same problem+json.
 */
@ApplicationScoped
public class BodySizeLimit {

    private final long maxBodyBytes;

    public BodySizeLimit(@ConfigProperty(name = "shop.http.max-body-bytes", defaultValue = "16384") long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::limitBodySize);
    }

    private void limitBodySize(RoutingContext context) {
        long announced = contentLength(context);
        if (announced <= maxBodyBytes) {
            context.next();
            return;
        }
        // The body is not read: the connection closes after the answer, as Quarkus' own limit does.
        context.response().endHandler(ignored -> context.request().connection().close());
        context.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Json.encode(Problem.of(413, "Payload too large",
                        "The body has " + announced + " bytes; at most " + maxBodyBytes + " are accepted")));
    }

    private static long contentLength(RoutingContext context) {
        String header = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1; // Vert.x's codec refuses a malformed Content-Length before any handler runs
        }
    }
}
