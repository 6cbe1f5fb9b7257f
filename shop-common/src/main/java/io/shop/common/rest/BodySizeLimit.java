package io.shop.common.rest;

import io.shop.common.error.Problem;
import io.shop.common.error.ProblemException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
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
            return Response.status(413).type(Problem.MEDIA_TYPE).entity(new ProblemException(413, "Payload too large",
                    "The body has " + request.getLength() + " bytes; at most " + maxBodyBytes + " are accepted",
                    List.of()).toProblem()).build();
        }
        return null;
    }
}
