package io.shop.common.rest;

import io.shop.common.error.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Rejects a request body announced larger than shop.http.max-body-bytes with a 413 problem, before reading it. */
public class BodySizeLimit {

    private final long maxBodyBytes;

    public BodySizeLimit(@ConfigProperty(name = "shop.http.max-body-bytes", defaultValue = "16384") long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @ServerRequestFilter(preMatching = true)
    public Response limitBodySize(ContainerRequestContext request) {
        if (request.getLength() > maxBodyBytes) {
            return Response.status(413).type(Problem.MEDIA_TYPE).entity(Problem.of(413, "Payload too large",
                    "The body has " + request.getLength() + " bytes; at most " + maxBodyBytes + " are accepted")).build();
        }
        return null;
    }
}
